"use client";

import { useAudit, type AuditFilters } from "@/components/data/audit-query";
import { LoadingPanel } from "@/components/ui/loading-panel";
import { TimeAgo } from "@/components/ui/time-ago";

const OUTCOME_STYLE: Record<string, string> = {
  released: "text-emerald-700 dark:text-emerald-300",
  applied: "text-emerald-700 dark:text-emerald-300",
  already_released: "text-slate-600 dark:text-slate-400",
  already_present: "text-slate-600 dark:text-slate-400",
  refused: "text-amber-700 dark:text-amber-300",
  conflict: "text-amber-700 dark:text-amber-300",
  failed: "text-red-700 dark:text-red-300",
};

const summarize = (v: unknown) => {
  if (v === null || v === undefined) return "—";
  const text = typeof v === "string" ? v : JSON.stringify(v);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
};

export function AuditTable({ filters }: { filters: AuditFilters }) {
  const { data, isLoading, error } = useAudit(filters);
  const items = data?.items ?? [];
  return (
    <LoadingPanel isLoading={isLoading} error={error} isEmpty={items.length === 0} empty="No actions recorded yet.">
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <table className="w-full text-left text-sm">
          <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500 dark:border-slate-800">
            <tr>
              <th className="px-3 py-2">When</th>
              <th className="px-3 py-2">Who</th>
              <th className="px-3 py-2">Action</th>
              <th className="px-3 py-2">Source</th>
              <th className="px-3 py-2">Target</th>
              <th className="px-3 py-2">Reason</th>
              <th className="px-3 py-2">Outcome</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.id} className="border-b border-slate-100 align-top last:border-0 dark:border-slate-800" data-testid="audit-row">
                <td className="whitespace-nowrap px-3 py-2" title={r.at}><TimeAgo iso={r.at} /></td>
                <td className="px-3 py-2 font-medium">{r.actor}</td>
                <td className="px-3 py-2 font-mono text-xs">{r.action}</td>
                <td className="px-3 py-2 text-slate-600 dark:text-slate-400">{r.source ?? "—"}</td>
                <td className="px-3 py-2 font-mono text-xs">{summarize(r.target)}</td>
                <td className="px-3 py-2">{r.reason ?? "—"}</td>
                <td className={`px-3 py-2 font-medium ${OUTCOME_STYLE[r.outcome] ?? ""}`}>{r.outcome}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </LoadingPanel>
  );
}
