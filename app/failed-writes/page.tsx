import { FailedWriteDetailPanel } from "@/components/failed-writes/failed-write-detail";
import { FailedWriteFiltersBar } from "@/components/failed-writes/failed-write-filters";
import { FailedWritesTable } from "@/components/failed-writes/failed-writes-table";
import { ReplayRuns } from "@/components/failed-writes/replay-runs";
import { pickFilters } from "@/components/ui/filter-form";
import { PageHeader } from "@/components/ui/page-header";

const FILTER_KEYS = ["status", "source", "namespace", "errorKind", "from", "to", "q"] as const;

export default async function FailedWritesPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const sp = await searchParams;
  const filters = pickFilters(sp, FILTER_KEYS);
  const params = new URLSearchParams(filters);
  const id = sp.id && /^\d+$/.test(sp.id) ? Number(sp.id) : null;
  return (
    <>
      <PageHeader
        title="Failed writes"
        description="Writes that failed mid-incident, kept until replayed idempotently: each replay ends applied, already present (identical) or conflict (shown as a diff, never overwritten unless you choose to)."
      />
      <FailedWriteFiltersBar filters={filters} />
      {id !== null && <FailedWriteDetailPanel id={id} closeHref={`/failed-writes?${params}`} />}
      <FailedWritesTable filters={filters} linkBase={`/failed-writes?${params}${params.size ? "&" : ""}id=`} />
      <ReplayRuns />
    </>
  );
}
