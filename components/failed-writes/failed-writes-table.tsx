"use client";

import Link from "next/link";
import { useState } from "react";
import { RoleHint, useRoleGate } from "@/components/auth/actor-context";
import { useFailedWrites, type FailedWriteFilters, type ReplaySelectionInput } from "@/components/data/failed-writes-query";
import { LoadingPanel } from "@/components/ui/loading-panel";
import { TimeAgo } from "@/components/ui/time-ago";
import type { FailedWriteRow } from "@/lib/replay/list-failed-writes";
import { ReplayPanel } from "./replay-panel";
import { ReplayProgressBar } from "./replay-progress";
import { StatusBadge } from "./status-badge";
import { CARD } from "@/components/ui/panel";

const btn = "rounded border border-slate-300 px-2.5 py-1 text-sm hover:bg-slate-100 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800";

function groupByKind(items: FailedWriteRow[]) {
  const groups = new Map<string, FailedWriteRow[]>();
  for (const r of items) groups.set(r.errorKind, [...(groups.get(r.errorKind) ?? []), r]);
  return [...groups.entries()];
}

const TH = "px-3 py-2 font-medium";

export function FailedWritesTable({ filters, linkBase }: { filters: FailedWriteFilters; linkBase: string }) {
  const { data, isLoading, error } = useFailedWrites(filters);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [confirming, setConfirming] = useState<{ selection: ReplaySelectionInput; count: number } | null>(null);
  const [runId, setRunId] = useState<number | null>(null);
  const gate = useRoleGate("operator");
  const items = data?.items ?? [];
  const toggle = (id: number) => setSelected((s) => (s.has(id) ? new Set([...s].filter((x) => x !== id)) : new Set([...s, id])));
  const toggleAll = (rows: FailedWriteRow[]) =>
    setSelected((s) =>
      rows.every((r) => s.has(r.id)) ? new Set([...s].filter((id) => !rows.some((r) => r.id === id))) : new Set([...s, ...rows.map((r) => r.id)]),
    );

  return (
    <LoadingPanel
      isLoading={isLoading}
      error={error}
      isEmpty={items.length === 0}
      empty="No failed writes match. Apps hand them over with POST /api/failed-writes (see the README)."
    >
      <div className="mb-3 flex flex-wrap items-center gap-2 text-sm">
        <span className="text-slate-600 dark:text-slate-400">
          {data?.total ?? 0} matching{data?.unparsed ? ` · ${data.unparsed} unparsed submissions kept` : ""}
        </span>
        <RoleHint role="operator" />
        <button
          className={btn}
          {...gate.props}
          disabled={gate.disabled || selected.size === 0}
          onClick={() => setConfirming({ selection: { ids: [...selected] }, count: selected.size })}
        >
          Replay selected ({selected.size})…
        </button>
        <button
          className={btn}
          {...gate.props}
          disabled={gate.disabled || !data?.total}
          onClick={() => setConfirming({ selection: { filter: filters }, count: data?.total ?? 0 })}
        >
          Replay all matching…
        </button>
      </div>
      {confirming && (
        <ReplayPanel
          key={JSON.stringify(confirming.selection)}
          selection={confirming.selection}
          count={confirming.count}
          onCancel={() => setConfirming(null)}
          onStarted={(id) => {
            setRunId(id);
            setSelected(new Set());
            setConfirming(null);
          }}
        />
      )}
      {runId !== null && (
        <div className="mb-3">
          <ReplayProgressBar runId={runId} />
        </div>
      )}
      {groupByKind(items).map(([kind, rows]) => (
        <section key={kind} className={`${CARD} mb-4 overflow-x-auto`} aria-label={`Error kind ${kind}`}>
          <h2 className="border-b border-slate-200 px-3 py-2 text-sm font-medium dark:border-slate-800">
            {kind.replace("_", " ")} <span className="text-slate-500">({data?.byErrorKind.find((g) => g.errorKind === kind)?.count ?? rows.length})</span>
          </h2>
          <table className="w-full min-w-[860px] table-fixed text-left text-sm">
            <colgroup>
              <col className="w-10" />
              <col className="w-24" />
              <col className="w-32" />
              <col className="w-40" />
              <col />
              <col className="w-24" />
              <col />
              <col className="w-32" />
            </colgroup>
            <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500 dark:border-slate-800">
              <tr>
                <th className="w-8 px-3 py-2">
                  <input
                    type="checkbox"
                    aria-label={`select every ${kind.replace("_", " ")} write shown`}
                    checked={rows.every((r) => selected.has(r.id))}
                    onChange={() => toggleAll(rows)}
                  />
                </th>
                <th className={TH}>Failed</th>
                <th className={TH}>Source</th>
                <th className={TH}>Namespace</th>
                <th className={TH}>Key</th>
                <th className={TH}>Operation</th>
                <th className={TH}>Error (or last replay error)</th>
                <th className={TH}>Status</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} className="border-b border-slate-100 align-top last:border-0 dark:border-slate-800" data-testid="failed-write-row">
                  <td className="px-3 py-2">
                    <input type="checkbox" aria-label={`select ${r.id}`} checked={selected.has(r.id)} onChange={() => toggle(r.id)} />
                  </td>
                  <td className="whitespace-nowrap px-3 py-2">
                    <TimeAgo iso={r.occurredAt} />
                  </td>
                  <td className="px-3 py-2">
                    {r.source.name}
                    {r.source.demo && <span className="ml-1 rounded bg-amber-100 px-1 text-xs text-amber-800">demo</span>}
                  </td>
                  <td className="px-3 py-2 font-mono text-xs [overflow-wrap:anywhere]">{r.namespace}</td>
                  <td className="px-3 py-2 font-mono text-xs [overflow-wrap:anywhere]">
                    <Link className="underline" href={`${linkBase}${r.id}`}>
                      {JSON.stringify(r.key)}
                    </Link>
                  </td>
                  <td className="px-3 py-2">{r.operation}</td>
                  <td className="truncate px-3 py-2 text-slate-600 dark:text-slate-400" title={r.lastError ?? r.error}>
                    {r.lastError ?? r.error}
                  </td>
                  <td className="px-3 py-2">
                    <StatusBadge status={r.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </LoadingPanel>
  );
}
