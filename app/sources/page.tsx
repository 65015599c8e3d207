import { IfCan } from "@/components/auth/actor-context";
import { SourceForm } from "@/components/sources/source-form";
import { SourcesTable } from "@/components/sources/sources-table";
import { PageHeader } from "@/components/ui/page-header";

export default function SourcesPage() {
  return (
    <>
      <PageHeader
        title="Sources"
        description="The servers, log streams and processes Lockboard monitors. Connection URLs are encrypted at rest and never sent back: only a masked form is shown."
      />
      <div className="space-y-6">
        <IfCan role="admin" fallback={<p className="text-sm text-slate-600 dark:text-slate-400">Adding a source needs the admin role.</p>}>
          <SourceForm />
        </IfCan>
        <SourcesTable />
      </div>
    </>
  );
}
