import { IncidentsTable } from "@/components/incidents/incidents-table";
import { PageHeader, PlannedPanel } from "@/components/ui/page-header";

export default function OverviewPage() {
  return (
    <>
      <PageHeader title="Overview" description="What is failing now, since when and how often." />
      <div className="grid gap-6">
        <section>
          <h2 className="mb-2 text-sm font-medium text-slate-600 dark:text-slate-400">Open incidents</h2>
          <IncidentsTable filters={{ status: "open" }} />
        </section>
        <PlannedPanel
          items={[
            "Incidents per kind over time, stacked",
            "Current lock waiters and stuck advisory locks",
            "Connection and file-descriptor gauges per source",
            "A 'data as of' time that turns amber when stale",
          ]}
        />
      </div>
    </>
  );
}
