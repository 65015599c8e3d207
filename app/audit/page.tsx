import { PageHeader, PlannedPanel } from "@/components/ui/page-header";

export default function AuditPage() {
  return (
    <>
      <PageHeader title="Audit" description="Every action Lockboard took: who, what, target, reason and outcome." />
      <PlannedPanel items={["Lock releases, cancels and terminates with the snapshot before and the outcome", "Replays and incident status changes", "Filters and export; no row can be edited or deleted"]} />
    </>
  );
}
