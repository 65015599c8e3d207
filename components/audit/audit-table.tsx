"use client";

import { useAudit, type AuditFilters } from "@/components/data/audit-query";
import { LoadingPanel } from "@/components/ui/loading-panel";
import { CARD } from "@/components/ui/panel";
import { TimeAgo } from "@/components/ui/time-ago";
import { actorWords } from "@/lib/audit/audit-values";
import type { ActionLogRow } from "@/lib/audit/list-action-logs";

const OUTCOME_STYLE: Record<string, string> = {
  released: "text-emerald-700 dark:text-emerald-300",
  applied: "text-emerald-700 dark:text-emerald-300",
  created: "text-emerald-700 dark:text-emerald-300",
  already_released: "text-slate-600 dark:text-slate-400",
  already_present: "text-slate-600 dark:text-slate-400",
  refused: "text-amber-700 dark:text-amber-300",
  conflict: "text-amber-700 dark:text-amber-300",
  failed: "text-red-700 dark:text-red-300",
};

const outcomeStyle = (o: string) => OUTCOME_STYLE[o] ?? (o.startsWith("failed") ? OUTCOME_STYLE.failed : /conflict/.test(o) ? OUTCOME_STYLE.conflict : "");

// The record as stored, for whoever needs the ids: behind a disclosure, wrapped inside its column.
const raw = (r: ActionLogRow) => JSON.stringify({ id: r.id, action: r.action, target: r.target, before: r.before, detail: r.detail }, null, 2);

function Row({ r }: { r: ActionLogRow }) {
  return (
    <tr className="border-b border-slate-100 align-top last:border-0 dark:border-slate-800" data-testid="audit-row" data-action={r.action}>
      <td className="px-3 py-2 text-slate-600 dark:text-slate-400">
        <TimeAgo iso={r.at} />
        <div className="text-xs text-slate-500" suppressHydrationWarning>
          {new Date(r.at).toLocaleTimeString()}
        </div>
      </td>
      <td className="break-words px-3 py-2 font-medium [overflow-wrap:anywhere]" title={r.actor}>
        {actorWords(r.actor)}
      </td>
      <td className="px-3 py-2">
        <p className="[overflow-wrap:anywhere]" data-testid="audit-sentence">
          {r.sentence}
        </p>
        <details className="mt-1 text-xs text-slate-500">
          <summary className="cursor-pointer select-none">
            <span className="font-mono">{r.action}</span>
            {r.source ? ` · ${r.source}` : ""} · record #{r.id}
          </summary>
          <pre
            className="mt-1 max-h-72 overflow-auto whitespace-pre-wrap rounded bg-slate-100 p-2 font-mono [overflow-wrap:anywhere] dark:bg-slate-950"
            data-testid="audit-json"
          >
            {raw(r)}
          </pre>
        </details>
      </td>
      <td className="px-3 py-2 [overflow-wrap:anywhere]">{r.reason ?? <span className="text-slate-400">—</span>}</td>
      <td className={`px-3 py-2 font-medium [overflow-wrap:anywhere] ${outcomeStyle(r.outcome)}`}>{r.outcome.replace(/_/g, " ")}</td>
    </tr>
  );
}

/**
 * Fixed columns (when, who, what happened, why, outcome): nothing a row holds can widen the table;
 * below its minimum width the table scrolls inside its card, not the page.
 */
export function AuditTable({ filters }: { filters: AuditFilters }) {
  const { data, isLoading, error, fetchNextPage, hasNextPage, isFetchingNextPage } = useAudit(filters);
  const items = data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = Object.values(filters).some(Boolean);
  return (
    <LoadingPanel
      isLoading={isLoading}
      error={error}
      isEmpty={items.length === 0}
      empty={filtered ? "No actions match these filters." : "No actions recorded yet."}
    >
      <div className={`${CARD} overflow-x-auto`} data-testid="audit-card">
        <table className="w-full min-w-[840px] table-fixed text-left text-sm" data-testid="audit-table">
          <colgroup>
            <col className="w-24" />
            <col className="w-40" />
            <col />
            <col className="w-48" />
            <col className="w-28" />
          </colgroup>
          <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500 dark:border-slate-800">
            <tr>
              <th className="px-3 py-2">When</th>
              <th className="px-3 py-2">Who</th>
              <th className="px-3 py-2">What happened</th>
              <th className="px-3 py-2">Reason</th>
              <th className="px-3 py-2">Outcome</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <Row key={r.id} r={r} />
            ))}
          </tbody>
        </table>
      </div>
      <div className="mt-3 flex items-center gap-3 text-sm text-slate-500">
        <span>{items.length} shown, newest first</span>
        {hasNextPage && (
          <button
            className="rounded border border-slate-300 px-2.5 py-1 hover:bg-slate-100 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800"
            disabled={isFetchingNextPage}
            onClick={() => fetchNextPage()}
          >
            {isFetchingNextPage ? "Loading…" : "Show older"}
          </button>
        )}
      </div>
    </LoadingPanel>
  );
}
