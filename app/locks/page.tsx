import { LocksView } from "@/components/locks/locks-view";
import { PageHeader } from "@/components/ui/page-header";

export default function LocksPage() {
  return (
    <>
      <PageHeader
        title="Locks"
        description="Live locks of every monitored PostgreSQL: the blocking tree with root blockers first, advisory locks decoded, stuck locks highlighted, and a guarded Release that re-verifies the holder before acting. Pick a moment on the history chart to see the locks as they were sampled then."
      />
      <LocksView />
    </>
  );
}
