"use client";

import { useSources } from "@/components/data/sources-query";
import { LoadingPanel } from "@/components/ui/loading-panel";
import { TimeAgo } from "@/components/ui/time-ago";

const STATUS_STYLE: Record<string, string> = { up: "text-emerald-700 dark:text-emerald-300", down: "text-red-700 dark:text-red-300" };

export function SourcesTable() {
  const { data, isLoading, error } = useSources();
  const items = data ?? [];
  return (
    <LoadingPanel isLoading={isLoading} error={error} isEmpty={items.length === 0} empty="No sources yet.">
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <table className="w-full text-left text-sm">
          <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500 dark:border-slate-800">
            <tr>
              <th className="px-3 py-2">Name</th>
              <th className="px-3 py-2">Kind</th>
              <th className="px-3 py-2">URL (masked)</th>
              <th className="px-3 py-2">Health</th>
              <th className="px-3 py-2">Checked</th>
            </tr>
          </thead>
          <tbody>
            {items.map((s) => (
              <tr key={s.id} data-testid="source-row" className="border-b border-slate-100 align-top last:border-0 dark:border-slate-800">
                <td className="px-3 py-2 font-medium">
                  {s.name}
                  {s.demo && <span className="ml-1 rounded bg-slate-200 px-1 text-xs dark:bg-slate-700">demo</span>}
                </td>
                <td className="px-3 py-2">{s.kind}</td>
                <td className="px-3 py-2 font-mono text-xs">{s.maskedUrl ?? "—"}</td>
                <td className={`px-3 py-2 ${STATUS_STYLE[s.healthStatus] ?? ""}`}>
                  {s.healthStatus}
                  {s.healthError && <div className="text-xs">{s.healthError}</div>}
                </td>
                <td className="px-3 py-2">{s.lastCheckedAt ? <TimeAgo iso={s.lastCheckedAt} /> : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </LoadingPanel>
  );
}
