"use client";

import { useCapacity, type CapacityFilters, type CapacityOverview } from "@/components/data/capacity-query";
import { LoadingPanel } from "@/components/ui/loading-panel";
import { TimeAgo } from "@/components/ui/time-ago";
import { useUrlWindow } from "@/components/ui/use-url-window";
import { CAPACITY_RANGES } from "@/lib/vocabulary/time-ranges";
import { CapacityChart } from "./capacity-chart";
import { Gauge } from "./gauge";
import { MetricDetail } from "./metric-detail";
import { MetricStatus } from "./metric-status";

const METRIC_LABEL: Record<string, string> = { pg_connections: "Connections", mongo_connections: "Connections", open_fds: "File descriptors" };

function SourcePanel({
  panel,
  from,
  to,
  past,
  onZoom,
}: {
  panel: CapacityOverview["sources"][number];
  from: string;
  to: string;
  past: boolean;
  onZoom: (from: number, to: number) => void;
}) {
  const { source, metrics, thresholds } = panel;
  const down = source.healthStatus === "down";
  return (
    <section
      className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
      data-testid="capacity-source"
      aria-label={source.name}
    >
      <header className="mb-3 flex flex-wrap items-baseline gap-2">
        <h2 className="font-semibold">{source.name}</h2>
        <span className="rounded bg-slate-100 px-1.5 text-xs text-slate-600 dark:bg-slate-800 dark:text-slate-300">{source.kind}</span>
        {source.demo && <span className="rounded bg-violet-100 px-1.5 text-xs text-violet-800 dark:bg-violet-950 dark:text-violet-200">demo</span>}
        {source.maskedUrl && <span className="truncate font-mono text-xs text-slate-500">{source.maskedUrl}</span>}
      </header>
      {down && (
        <p
          role="alert"
          className="mb-3 rounded border border-red-300 bg-red-50 p-2 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
          data-testid="source-unreachable"
        >
          Unreachable since {source.downSince ? <TimeAgo iso={source.downSince} /> : "the last check"}: {source.healthError}
          {metrics.length > 0 && " — the figures below are the last ones read."}
          {source.kind === "prometheus" && " A metrics endpoint that stops answering may itself be out of file descriptors: check the process's /proc reading."}
        </p>
      )}
      {metrics.length === 0 && !down && (
        <p className="text-sm text-slate-500">{past ? "No sample in this window." : "No sample yet; the sampler reads every few seconds."}</p>
      )}
      {metrics.map((m) => (
        <div
          key={m.metric}
          className="flex flex-col gap-4 border-t border-slate-100 pt-3 first:border-0 first:pt-0 md:flex-row dark:border-slate-800"
          data-testid="capacity-metric"
          data-saturated={m.saturated}
        >
          <div className="flex flex-col items-center gap-1">
            <Gauge
              label={METRIC_LABEL[m.metric] ?? m.metric}
              value={m.value}
              limit={m.limit}
              level={m.level}
              warn={thresholds.warn}
              critical={thresholds.critical}
              peak={m.peak}
            />
            <MetricStatus metric={m} />
            <p className="text-xs text-slate-500">
              read <TimeAgo iso={m.sampledAt} />
            </p>
          </div>
          <CapacityChart metric={m} from={from} to={to} warn={thresholds.warn} onZoom={onZoom} />
          <MetricDetail metric={m} />
        </div>
      ))}
    </section>
  );
}

export function CapacityPanels({ filters, initial }: { filters: CapacityFilters; initial?: CapacityOverview }) {
  const { data, isLoading, error } = useCapacity(filters, initial);
  // A drag on any chart zooms every panel to that window (?from=&to=; the page reads it).
  const win = useUrlWindow(CAPACITY_RANGES);
  const sources = data?.sources ?? [];
  return (
    <LoadingPanel
      isLoading={isLoading}
      error={error}
      isEmpty={sources.length === 0}
      empty="No PostgreSQL, MongoDB, process or Prometheus source is configured yet. Add one on the Sources page or with LOCKBOARD_SOURCES."
    >
      <div className="flex flex-col gap-4">
        {sources.map((p) => (
          <SourcePanel key={p.source.id} panel={p} from={data!.from} to={data!.to} past={!!(filters.from || filters.at)} onZoom={win.zoom} />
        ))}
      </div>
    </LoadingPanel>
  );
}
