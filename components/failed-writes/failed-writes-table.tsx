"use client";

import Link from "next/link";
import { useState } from "react";
import { useCan } from "@/components/auth/actor-context";
import { useFailedWrites, useStartReplay, type FailedWriteFilters } from "@/components/data/failed-writes-query";
import { LoadingPanel } from "@/components/ui/loading-panel";
import { TimeAgo } from "@/components/ui/time-ago";
import type { FailedWriteRow } from "@/lib/replay/list-failed-writes";
import { ReplayProgressBar } from "./replay-progress";
import { StatusBadge } from "./status-badge";

const btn = "rounded border border-slate-300 px-2.5 py-1 text-sm hover:bg-slate-100 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800";

function groupByKind(items: FailedWriteRow[]) {
  const groups = new Map<string, FailedWriteRow[]>();
  for (const r of items) groups.set(r.errorKind, [...(groups.get(r.errorKind) ?? []), r]);
  return [...groups.entries()];
}

export function FailedWritesTable({ filters, linkBase }: { filters: FailedWriteFilters; linkBase: string }) {
  const { data, isLoading, error } = useFailedWrites(filters);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [confirming, setConfirming] = useState(false);
  const [runId, setRunId] = useState<number | null>(null);
  const start = useStartReplay();
  const canReplay = useCan("operator");
  const items = data?.items ?? [];
  const toggle = (id: number) => setSelected((s) => (s.has(id) ? new Set([...s].filter((x) => x !== id)) : new Set([...s, id])));
  const replay = (body: Parameters<typeof start.mutate>[0]) =>
    start.mutate(body, { onSuccess: (r) => { setRunId(r.run.id); setSelected(new Set()); setConfirming(false); } });

  return (
    <LoadingPanel isLoading={isLoading} error={error} isEmpty={items.length === 0} empty="No failed writes match. Apps hand them over with POST /api/failed-writes (see the README).">
      <div className="mb-3 flex flex-wrap items-center gap-2 text-sm">
        <span className="text-slate-600 dark:text-slate-400">{data?.total ?? 0} matching{data?.unparsed ? ` · ${data.unparsed} unparsed submissions kept` : ""}</span>
        {canReplay && (
          <button className={btn} disabled={selected.size === 0 || start.isPending} onClick={() => replay({ ids: [...selected], expectedCount: selected.size })}>
            Replay selected ({selected.size})
          </button>
        )}
        {!canReplay ? null : !confirming ? (
          <button className={btn} disabled={!data?.total} onClick={() => setConfirming(true)}>Replay all matching…</button>
        ) : (
          <span className="flex items-center gap-2 rounded border border-amber-300 bg-amber-50 px-2 py-1 dark:border-amber-800 dark:bg-amber-950">
            Replay the {data?.total} writes matching now? The set is fixed when you confirm.
            <button className={btn} onClick={() => replay({ filter: filters, expectedCount: data?.total ?? 0 })}>Confirm</button>
            <button className={btn} onClick={() => setConfirming(false)}>Cancel</button>
          </span>
        )}
        {start.error && <span role="alert" className="text-red-700">{start.error.message}</span>}
      </div>
      {runId !== null && <div className="mb-3"><ReplayProgressBar runId={runId} /></div>}
      {groupByKind(items).map(([kind, rows]) => (
        <section key={kind} className="mb-4 overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900" aria-label={`Error kind ${kind}`}>
          <h2 className="border-b border-slate-200 px-3 py-2 text-sm font-medium dark:border-slate-800">
            {kind.replace("_", " ")} <span className="text-slate-500">({data?.byErrorKind.find((g) => g.errorKind === kind)?.count ?? rows.length})</span>
          </h2>
          <table className="w-full text-left text-sm">
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} className="border-b border-slate-100 align-top last:border-0 dark:border-slate-800" data-testid="failed-write-row">
                  <td className="px-3 py-2"><input type="checkbox" aria-label={`select ${r.id}`} checked={selected.has(r.id)} onChange={() => toggle(r.id)} /></td>
                  <td className="whitespace-nowrap px-3 py-2"><TimeAgo iso={r.occurredAt} /></td>
                  <td className="px-3 py-2">{r.source.name}{r.source.demo && <span className="ml-1 rounded bg-amber-100 px-1 text-xs text-amber-800">demo</span>}</td>
                  <td className="px-3 py-2 font-mono text-xs">{r.namespace}</td>
                  <td className="px-3 py-2 font-mono text-xs"><Link className="underline" href={`${linkBase}${r.id}`}>{JSON.stringify(r.key)}</Link></td>
                  <td className="px-3 py-2">{r.operation}</td>
                  <td className="max-w-md truncate px-3 py-2 text-slate-600 dark:text-slate-400" title={r.lastError ?? r.error}>{r.lastError ?? r.error}</td>
                  <td className="px-3 py-2"><StatusBadge status={r.status} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </LoadingPanel>
  );
}
