"use client";

import { useIncidents, type IncidentFilters } from "@/components/data/incidents-query";
import { LoadingPanel } from "@/components/ui/loading-panel";
import { TimeAgo } from "@/components/ui/time-ago";

const KIND_LABEL: Record<string, string> = {
  duplicate_key: "Duplicate key",
  unclassified: "Unclassified",
};

const STATUS_STYLE: Record<string, string> = {
  open: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200",
  acknowledged: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-200",
  resolved: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200",
  muted: "bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
};

export function IncidentsTable({ filters }: { filters: IncidentFilters }) {
  const { data, isLoading, error } = useIncidents(filters);
  const items = data?.items ?? [];
  return (
    <LoadingPanel
      isLoading={isLoading}
      error={error}
      isEmpty={items.length === 0}
      empty="No incidents match. Ingest a log (npm run ingest) or run the demo scenarios."
    >
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <table className="w-full text-left text-sm">
          <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500 dark:border-slate-800">
            <tr>
              <th className="px-3 py-2">Incident</th>
              <th className="px-3 py-2">Kind</th>
              <th className="px-3 py-2">Source</th>
              <th className="px-3 py-2 text-right">Events</th>
              <th className="px-3 py-2">First seen</th>
              <th className="px-3 py-2">Last seen</th>
              <th className="px-3 py-2">Status</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={i.id} className="border-b border-slate-100 last:border-0 dark:border-slate-800" data-testid="incident-row">
                <td className="px-3 py-2 font-medium">{i.title}</td>
                <td className="px-3 py-2">{KIND_LABEL[i.kind] ?? i.kind}</td>
                <td className="px-3 py-2 text-slate-600 dark:text-slate-400">{i.source ?? "—"}</td>
                <td className="px-3 py-2 text-right tabular-nums">{i.count.toLocaleString()}</td>
                <td className="px-3 py-2"><TimeAgo iso={i.firstSeen} /></td>
                <td className="px-3 py-2"><TimeAgo iso={i.lastSeen} /></td>
                <td className="px-3 py-2">
                  <span className={`rounded px-2 py-0.5 text-xs ${STATUS_STYLE[i.status] ?? ""}`}>{i.status}</span>
                  {i.regression && <span className="ml-1 text-xs text-red-600">regression</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </LoadingPanel>
  );
}
