"use client";

import Link from "next/link";
import { useState } from "react";
import { Gauge } from "@/components/capacity/gauge";
import { useOverview } from "@/components/data/overview-query";
import { Sparkline } from "@/components/incidents/sparkline";
import { KIND_LABEL, StatusBadge } from "@/components/incidents/status-badge";
import { LoadingPanel } from "@/components/ui/loading-panel";
import { TimeAgo } from "@/components/ui/time-ago";
import { DataAsOf } from "./data-as-of";
import { KindsChart } from "./kinds-chart";
import { LocksNow } from "./locks-now";

const RANGES = ["1h", "6h", "24h"] as const;
const METRIC_LABEL: Record<string, string> = { pg_connections: "Connections", mongo_connections: "Connections", open_fds: "File descriptors" };

function Panel({ title, children, action }: { title: string; children: React.ReactNode; action?: React.ReactNode }) {
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900" aria-label={title}>
      <div className="mb-2 flex items-baseline justify-between gap-2">
        <h2 className="text-sm font-semibold">{title}</h2>
        {action}
      </div>
      {children}
    </section>
  );
}

export function OverviewView() {
  const [range, setRange] = useState<(typeof RANGES)[number]>("6h");
  const [paused, setPaused] = useState(false);
  const { data, isLoading, error, dataUpdatedAt } = useOverview(range, paused);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <DataAsOf at={data ? dataUpdatedAt : null} error={error?.message} />
        <button type="button" onClick={() => setPaused((p) => !p)} aria-pressed={paused} className="rounded border border-slate-300 px-2 py-1 text-xs dark:border-slate-700">
          {paused ? "Resume auto-refresh" : "Pause auto-refresh"}
        </button>
        <span className="text-xs text-slate-500">{paused ? "paused" : "refreshes every 5 s"}</span>
        {error && data && <span role="alert" className="text-xs text-amber-700 dark:text-amber-300">Refresh failed: {error.message}</span>}
        <nav aria-label="Range" className="ml-auto flex gap-1">
          {RANGES.map((r) => (
            <button key={r} type="button" onClick={() => setRange(r)} aria-pressed={r === range}
              className={`rounded px-2 py-0.5 text-xs ${r === range ? "bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900" : "hover:bg-slate-100 dark:hover:bg-slate-800"}`}>
              {r}
            </button>
          ))}
        </nav>
      </div>
      <LoadingPanel isLoading={isLoading} error={data ? null : error}>
        {data && (
          <div className="grid gap-4 xl:grid-cols-2">
            <Panel title="Incident events per kind"><KindsChart overview={data} /></Panel>
            <Panel title="Top open incidents" action={<Link className="text-xs underline" href="/incidents?status=open&sort=rate">all open</Link>}>
              {data.topOpen.length === 0 ? (
                <p className="text-sm text-slate-500">Nothing open.</p>
              ) : (
                <ul className="divide-y divide-slate-100 text-sm dark:divide-slate-800" data-testid="top-open">
                  {data.topOpen.map((i) => (
                    <li key={i.id} className="flex items-center gap-2 py-1.5">
                      <Link href={`/incidents/${i.id}`} className="min-w-0 flex-1 truncate hover:underline" title={i.title}>{i.title}</Link>
                      <span className="text-xs text-slate-500">{KIND_LABEL[i.kind] ?? i.kind}</span>
                      <Sparkline values={i.spark} label={`${i.rate} in the last hour`} />
                      <span className="w-14 text-right tabular-nums text-xs">{i.rate}/h</span>
                      <span className="text-xs"><TimeAgo iso={i.lastSeen} /></span>
                      <StatusBadge status={i.status} regression={i.regression} />
                    </li>
                  ))}
                </ul>
              )}
            </Panel>
            <Panel title="Locks now" action={<Link className="text-xs underline" href="/locks">Locks</Link>}><LocksNow overview={data} /></Panel>
            <Panel title="Capacity" action={<Link className="text-xs underline" href="/capacity">Capacity</Link>}>
              {data.downSources.map((s) => (
                <p key={s.name} role="alert" className="mb-2 text-xs text-red-700 dark:text-red-300">{s.name} ({s.kind}) unreachable{s.downSince ? <> since <TimeAgo iso={s.downSince} /></> : ""}: {s.error}</p>
              ))}
              {data.gauges.length === 0 ? (
                <p className="text-sm text-slate-500">No recent capacity sample.</p>
              ) : (
                <div className="flex flex-wrap gap-3">
                  {data.gauges.map((g) => (
                    <div key={`${g.source}-${g.metric}`} className="flex flex-col items-center">
                      <Gauge label={`${g.source} · ${METRIC_LABEL[g.metric] ?? g.metric}`} value={g.value} limit={g.limit} level={g.level} warn={g.thresholds.warn} critical={g.thresholds.critical} />
                    </div>
                  ))}
                </div>
              )}
            </Panel>
          </div>
        )}
      </LoadingPanel>
    </div>
  );
}
