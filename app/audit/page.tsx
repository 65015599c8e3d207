import { Suspense } from "react";
import { AuditFilters } from "@/components/audit/audit-filters";
import { AuditTable } from "@/components/audit/audit-table";
import { PageHeader } from "@/components/ui/page-header";

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const sp = await searchParams;
  return (
    <>
      <PageHeader
        title="Audit"
        description="Every action Lockboard took: who, what, target, reason and outcome. Rows are append-only; nothing here can be edited or deleted."
      />
      <Suspense>
        <AuditFilters />
      </Suspense>
      <AuditTable filters={{ action: sp.action, actor: sp.actor, outcome: sp.outcome, source: sp.source }} />
    </>
  );
}
