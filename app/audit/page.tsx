import { Suspense } from "react";
import { AuditFiltersBar } from "@/components/audit/audit-filters";
import { AuditTable } from "@/components/audit/audit-table";
import { AUDIT_FILTER_KEYS } from "@/lib/audit/audit-values";
import { pickFilters } from "@/components/ui/filter-form";
import { PageHeader } from "@/components/ui/page-header";

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const filters = pickFilters(await searchParams, AUDIT_FILTER_KEYS);
  return (
    <>
      <PageHeader
        title="Audit"
        description="Every action Lockboard took, one sentence each: who, what, why and how it ended; the stored record is behind each row's disclosure. Rows are append-only; nothing here can be edited or deleted."
      />
      <Suspense>
        <AuditFiltersBar filters={filters} />
      </Suspense>
      <AuditTable filters={filters} />
    </>
  );
}
