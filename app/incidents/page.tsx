import { FILTER_KEYS, type IncidentFilters } from "@/components/incidents/filter-keys";
import { IncidentFiltersBar } from "@/components/incidents/incident-filters";
import { IncidentsTable } from "@/components/incidents/incidents-table";
import { pickFilters } from "@/components/ui/filter-form";
import { PageHeader } from "@/components/ui/page-header";

export default async function IncidentsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const sp = await searchParams;
  const filters: IncidentFilters = pickFilters(sp, FILTER_KEYS);
  return (
    <>
      <PageHeader
        title="Incidents"
        description="Events grouped by fingerprint: duplicate keys (PostgreSQL 23505, MongoDB E11000), lock conflicts and exhaustion. Filters live in the URL; a resolved incident that happens again reopens as a regression."
      />
      <IncidentFiltersBar filters={filters} />
      <IncidentsTable filters={filters} />
    </>
  );
}
