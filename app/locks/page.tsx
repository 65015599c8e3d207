import { PageHeader, PlannedPanel } from "@/components/ui/page-header";

export default function LocksPage() {
  return (
    <>
      <PageHeader title="Locks" description="Live locks of every monitored PostgreSQL." />
      <PlannedPanel items={["The blocking tree, root blockers first, with each backend's application, user, client, state and transaction age", "Advisory locks decoded to their bigint or two-int keys, and how long each waiter has waited", "Stuck locks highlighted, with a guarded Release that re-verifies pid + backend_start and shows the blast radius"]} />
    </>
  );
}
