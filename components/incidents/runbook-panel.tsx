import type { IncidentDetail } from "@/components/data/incidents-query";

export function RunbookPanel({ runbook }: { runbook: IncidentDetail["runbook"] }) {
  return (
    <div className="text-sm" data-testid="runbook">
      <h4 className="font-medium">{runbook.title}</h4>
      <p className="mb-2 text-slate-600 dark:text-slate-400">{runbook.summary}</p>
      <ol className="list-decimal space-y-1 pl-5">{runbook.steps.map((s) => <li key={s}>{s}</li>)}</ol>
      {runbook.code && <pre className="mt-2 overflow-x-auto rounded bg-slate-100 p-2 font-mono text-xs dark:bg-slate-800">{runbook.code}</pre>}
    </div>
  );
}
