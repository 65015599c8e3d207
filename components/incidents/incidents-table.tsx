"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useState } from "react";
import { RoleHint, useCan } from "@/components/auth/actor-context";
import { filterParams, useIncidents, type IncidentFilters } from "@/components/data/incidents-query";
import { DataTable } from "@/components/ui/data-table";
import { LoadingPanel } from "@/components/ui/loading-panel";
import { TimeAgo } from "@/components/ui/time-ago";
import { IncidentSubject } from "./incident-subject";
import { Sparkline } from "./sparkline";
import { StatusActions } from "./status-actions";
import { KIND_LABEL, StatusBadge } from "./status-badge";

type SortKey = "lastSeen" | "count" | "rate";

/** Incidents grouped by fingerprint; sortable, selectable for a bulk status change, paged by cursor. */
export function IncidentsTable({ filters, limit = 50, compact = false }: { filters: IncidentFilters; limit?: number; compact?: boolean }) {
  const { data, isLoading, error, fetchNextPage, hasNextPage, isFetchingNextPage } = useIncidents(filters, limit);
  const router = useRouter();
  const pathname = usePathname();
  const operator = useCan("operator");
  const canAct = operator && !compact;
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const items = data?.pages.flatMap((p) => p.items) ?? [];
  const sort = filters.sort ?? "lastSeen";
  const toggle = (id: number) => setSelected((s) => (s.has(id) ? (s.delete(id), new Set(s)) : new Set(s.add(id))));
  const sortBy = (key: string) => router.replace(`${pathname}?${filterParams({ ...filters, sort: key === "lastSeen" ? undefined : key })}`, { scroll: false });
  const header = (key: SortKey, label: string, cls = "") =>
    compact ? (
      <th className={`px-3 py-2 ${cls}`}>{label}</th>
    ) : (
      <th className={`px-3 py-2 ${cls}`} aria-sort={sort === key ? "descending" : "none"}>
        <button type="button" onClick={() => sortBy(key)} className={sort === key ? "font-semibold text-slate-900 dark:text-slate-100" : "hover:underline"}>
          {label}
          {sort === key ? " ↓" : ""}
        </button>
      </th>
    );
  return (
    <LoadingPanel
      isLoading={isLoading}
      error={error}
      isEmpty={items.length === 0}
      empty="No incidents match. Ingest a log (npm run ingest), push events to /api/ingest, or widen the filters."
    >
      {!operator && !compact && (
        <p className="mb-2 text-sm text-slate-600 dark:text-slate-400">
          Selecting incidents to acknowledge, resolve or mute them together <RoleHint role="operator" />.
        </p>
      )}
      {canAct && (
        <div className="mb-2 flex min-h-8 items-center gap-3 text-sm">
          <span className="text-slate-600 dark:text-slate-400">
            {selected.size ? `${selected.size} selected` : "Select incidents to change their status together"}
          </span>
          {selected.size > 0 && <StatusActions ids={[...selected]} onDone={() => setSelected(new Set())} />}
        </div>
      )}
      <DataTable
        columns={[
          canAct && (
            <th className="w-8 px-3 py-2">
              <input
                type="checkbox"
                aria-label="Select all shown"
                checked={items.length > 0 && items.every((i) => selected.has(i.id))}
                onChange={(e) => setSelected(e.target.checked ? new Set(items.map((i) => i.id)) : new Set())}
              />
            </th>
          ),
          "Incident",
          "Kind",
          "Source",
          header("count", "Events", "text-right"),
          header("rate", "Last hour", "text-right"),
          "Last 6 h",
          "First seen",
          header("lastSeen", "Last seen"),
          "Status",
        ]}
      >
        {items.map((i) => (
          <tr key={i.id} className="border-b border-slate-100 last:border-0 dark:border-slate-800" data-testid="incident-row" data-incident-id={i.id}>
            {canAct && (
              <td className="px-3 py-2">
                <input type="checkbox" aria-label={`Select ${i.title}`} checked={selected.has(i.id)} onChange={() => toggle(i.id)} />
              </td>
            )}
            <td className="max-w-md px-3 py-2 font-medium">
              <Link href={`/incidents/${i.id}`} className="hover:underline">
                {i.title}
              </Link>
              <IncidentSubject title={i.title} subject={i.subject} />
            </td>
            <td className="px-3 py-2">{KIND_LABEL[i.kind] ?? i.kind}</td>
            <td className="px-3 py-2 text-slate-600 dark:text-slate-400">{i.source ?? "—"}</td>
            <td className="px-3 py-2 text-right tabular-nums">{i.count.toLocaleString()}</td>
            <td className="px-3 py-2 text-right tabular-nums">{i.rate.toLocaleString()}</td>
            <td className="px-3 py-2">
              <Sparkline values={i.spark} label={`${i.spark.reduce((a, b) => a + b, 0)} events in the last 6 hours`} />
            </td>
            <td className="px-3 py-2">
              <TimeAgo iso={i.firstSeen} />
            </td>
            <td className="px-3 py-2">
              <TimeAgo iso={i.lastSeen} />
            </td>
            <td className="px-3 py-2">
              <StatusBadge status={i.status} regression={i.regression} by={compact ? null : i.statusChangedBy} at={i.statusChangedAt} />
            </td>
          </tr>
        ))}
      </DataTable>
      {hasNextPage && !compact && (
        <button
          type="button"
          onClick={() => fetchNextPage()}
          disabled={isFetchingNextPage}
          className="mt-3 rounded border border-slate-300 px-3 py-1 text-sm dark:border-slate-700"
        >
          {isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      )}
    </LoadingPanel>
  );
}
