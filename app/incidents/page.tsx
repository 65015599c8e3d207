import { IncidentsTable } from "@/components/incidents/incidents-table";
import { PageHeader } from "@/components/ui/page-header";

export default async function IncidentsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const sp = await searchParams;
  return (
    <>
      <PageHeader
        title="Incidents"
        description="Events grouped by fingerprint: duplicate keys (PostgreSQL 23505, MongoDB E11000), lock conflicts and exhaustion, newest first."
      />
      <IncidentsTable filters={{ kind: sp.kind, status: sp.status, q: sp.q }} />
    </>
  );
}
