import { PageHeader, PlannedPanel } from "@/components/ui/page-header";

export default function FailedwritesPage() {
  return (
    <>
      <PageHeader title="Failed writes" description="Writes that failed mid-incident, kept until replayed idempotently." />
      <PlannedPanel items={["Failed writes by status, source, namespace and error kind", "Replay one, a selection or a frozen filtered set, with the proven outcome: applied, already present or conflict", "A diff against what the target holds now"]} />
    </>
  );
}
