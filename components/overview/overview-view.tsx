"use client";

import Link from "next/link";
import { useState } from "react";
import { Gauge } from "@/components/capacity/gauge";
import { errorLine } from "@/components/data/fetch-json";
import { formatDuration } from "@/components/capacity/metric-status";
import { useOverview } from "@/components/data/overview-query";
import { IncidentSubject } from "@/components/incidents/incident-subject";
import { Sparkline } from "@/components/incidents/sparkline";
import { KIND_LABEL, StatusBadge } from "@/components/incidents/status-badge";
import { LoadingPanel } from "@/components/ui/loading-panel";
import { Panel } from "@/components/ui/panel";
import { RangePicker } from "@/components/ui/range-picker";
import { TimeAgo } from "@/components/ui/time-ago";
import { ZoomOut } from "@/components/ui/chart-zoom";
import { useUrlWindow } from "@/components/ui/use-url-window";
import { OVERVIEW_RANGES } from "@/lib/vocabulary/time-ranges";
import { DataAsOf } from "./data-as-of";
import { KindsChart } from "./kinds-chart";
import { LocksNow } from "./locks-now";

const METRIC_LABEL: Record<string, string> = { pg_connections: "Connections", mongo_connections: "Connections", open_fds: "File descriptors" };

export function OverviewView() {
  // The range lives in the URL (?range=, or ?from=&to= after a drag-zoom); with neither the server fits it to the data.
  const win = useUrlWindow(OVERVIEW_RANGES);
  const [paused, setPaused] = useState(false);
  const { data, isLoading, error, dataUpdatedAt } = useOverview(win.custom ?? (win.range ? { range: win.range } : {}), paused);
  const shown = win.custom ? null : (win.range ?? data?.range.preset ?? null);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <DataAsOf at={data ? dataUpdatedAt : null} error={error ? errorLine(error) : null} />
        <button
          type="button"
          onClick={() => setPaused((p) => !p)}
          aria-pressed={paused}
          className="rounded border border-slate-300 px-2 py-1 text-xs dark:border-slate-700"
        >
          {paused ? "Resume auto-refresh" : "Pause auto-refresh"}
        </button>
        <span className="text-xs text-slate-500">{paused ? "paused" : "refreshes every 5 s"}</span>
        {error && data && (
          <span role="alert" className="text-xs text-amber-700 dark:text-amber-300">
            Refresh failed: {errorLine(error)}
          </span>
        )}
        <span className="ml-auto flex flex-wrap items-center gap-2">
          <ZoomOut custom={win.custom} onZoomOut={win.zoomOut} />
          {!win.custom && !win.range && data?.range.fitted && (
            <span className="text-xs text-slate-500" data-testid="range-fitted">
              fitted to the data
            </span>
          )}
          <RangePicker label="Range" className="text-xs" ranges={OVERVIEW_RANGES} current={shown} onPick={win.pickRange} />
        </span>
      </div>
      <LoadingPanel isLoading={isLoading} error={data ? null : error}>
        {data && (
          <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
            <Panel title="Incident events per kind">
              <KindsChart overview={data} onZoom={win.zoom} />
            </Panel>
            <Panel
              title="Top open incidents"
              action={
                <Link className="text-xs underline" href="/incidents?status=open&sort=rate">
                  all open
                </Link>
              }
            >
              {data.topOpen.length === 0 ? (
                <p className="text-sm text-slate-500">Nothing open.</p>
              ) : (
                <ul className="divide-y divide-slate-100 text-sm dark:divide-slate-800" data-testid="top-open">
                  {data.topOpen.map((i) => (
                    <li key={i.id} className="py-1.5">
                      <div className="flex items-center gap-2">
                        <Link href={`/incidents/${i.id}`} className="min-w-0 flex-1 truncate hover:underline" title={i.title}>
                          {i.title}
                        </Link>
                        {/* On a phone the title needs the width more than the sparkline does. */}
                        <span className="hidden sm:contents">
                          <Sparkline values={i.spark} label={`${i.spark.reduce((a, b) => a + b, 0)} events in the range shown`} />
                        </span>
                        <span className="w-14 text-right tabular-nums text-xs">{i.rate}/h</span>
                        <span className="text-xs">
                          <TimeAgo iso={i.lastSeen} />
                        </span>
                        <StatusBadge status={i.status} regression={i.regression} />
                      </div>
                      {/* Source and key on their own line, so two rows of one kind are told apart even in a narrow card. */}
                      <div className="flex items-baseline gap-2">
                        <div className="min-w-0 flex-1">
                          <IncidentSubject title={i.title} subject={i.subject} source={i.source} />
                        </div>
                        <span className="shrink-0 text-xs text-slate-500">{KIND_LABEL[i.kind] ?? i.kind}</span>
                      </div>
                    </li>
                  ))}
                </ul>
              )}
            </Panel>
            <Panel
              title="Locks now"
              action={
                <Link className="text-xs underline" href="/locks">
                  Locks
                </Link>
              }
            >
              <LocksNow overview={data} />
            </Panel>
            <Panel
              title="Capacity"
              action={
                <Link className="text-xs underline" href="/capacity">
                  Capacity
                </Link>
              }
            >
              {data.downSources.map((s) => (
                <p key={s.name} role="alert" className="mb-2 text-xs text-red-700 dark:text-red-300">
                  {s.name} ({s.kind}) unreachable
                  {s.downSince ? (
                    <>
                      {" "}
                      since <TimeAgo iso={s.downSince} />
                    </>
                  ) : (
                    ""
                  )}
                  : {s.error}
                </p>
              ))}
              {data.gauges.length === 0 ? (
                <p className="text-sm text-slate-500">No recent capacity sample.</p>
              ) : (
                <div className="flex flex-wrap gap-3">
                  {data.gauges.map((g) => (
                    <div key={`${g.source}-${g.metric}`} className="flex flex-col items-center">
                      <Gauge
                        label={`${g.source} · ${METRIC_LABEL[g.metric] ?? g.metric}`}
                        value={g.value}
                        limit={g.limit}
                        level={g.level}
                        warn={g.thresholds.warn}
                        critical={g.thresholds.critical}
                        peak={g.peak}
                      />
                      {g.atLimitSeconds > 0 && (
                        <p className="text-xs font-medium text-red-700 dark:text-red-300" data-testid="overview-saturated">
                          at the limit {formatDuration(g.atLimitSeconds)} of the last {g.peakWindowSeconds / 60} min
                        </p>
                      )}
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
