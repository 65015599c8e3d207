"use client";

import { CartesianGrid, ComposedChart, Legend, Line, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { MetricPanel } from "@/lib/capacity/get-capacity-overview";
import type { MarkerBand } from "@/lib/capacity/event-markers";
import { ChartBox, noDataArea, useDragZoom } from "@/components/ui/chart-zoom";
import { LEVEL_COLOR } from "./gauge";

const time = (t: number) => new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
const clock = (t: number) => new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
const KIND_LABEL: Record<string, string> = {
  fd_exhaustion: "EMFILE (too many open files)",
  too_many_connections: "too many clients",
  pool_timeout: "pool timeout",
};

// The plot area inside the chart: YAxis width + left margin, and the right margin.
const PLOT_LEFT = 44;
const PLOT_RIGHT = 12;

export function describeBand(b: MarkerBand): string {
  const kinds = Object.entries(b.kinds)
    .map(([k, n]) => `${n} ${KIND_LABEL[k] ?? k}`)
    .join(", ");
  return b.to > b.from ? `${kinds} between ${clock(b.from)} and ${clock(b.to)}` : `${kinds} at ${clock(b.from)}`;
}

/**
 * Usage over time (sampled values drawn as steps) with the limit as its own line, and this
 * source's own exhaustion errors as red bands: close ones are one band with a count, the detail
 * in its tooltip, so labels never pile up.
 */
export function CapacityChart({
  metric,
  from,
  to,
  warn,
  onZoom,
}: {
  metric: MetricPanel;
  from: string;
  to: string;
  warn: number;
  onZoom: (from: number, to: number) => void;
}) {
  const data = metric.series.map((p) => ({ t: p.t, used: p.value, limit: p.limit }));
  const limit = metric.limit;
  const t0 = Date.parse(from);
  const t1 = Date.parse(to);
  const minWidth = (t1 - t0) / 300;
  // The scale of what is in use now and at its peak and of today's limit: a limit the process had
  // for one sample before it lowered it (setrlimit at start-up) does not squash the chart.
  const yMax = Math.max(1, limit ?? 0, ...metric.series.map((p) => p.value)) * 1.05;
  const share = (t: number) => Math.min(1, Math.max(0, (t - t0) / (t1 - t0)));
  const zoom = useDragZoom({ onZoom, domain: [t0, t1] });
  // Before the first sample in the window the sampler had not read this source yet: no data, not zero.
  const firstSample = data[0]?.t ?? null;
  return (
    <div className="w-full min-w-0 flex-1">
      <ChartBox testId="capacity-chart" zoom={zoom} noData={data.length === 0 ? "No sample in this window." : null} window={{ from, to }}>
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={data} margin={{ top: 8, right: PLOT_RIGHT, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
            <XAxis dataKey="t" type="number" scale="time" domain={[t0, t1]} tickFormatter={time} fontSize={11} />
            <YAxis fontSize={11} width={PLOT_LEFT} domain={[0, Math.ceil(yMax)]} allowDataOverflow allowDecimals={false} />
            <Tooltip labelFormatter={(t) => new Date(Number(t)).toLocaleString()} />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            {metric.markers.map((b) => (
              <ReferenceArea
                key={b.from}
                x1={b.from}
                x2={Math.max(b.to, b.from + minWidth)}
                fill="#dc2626"
                fillOpacity={0.07}
                stroke="#dc2626"
                strokeOpacity={0.4}
                ifOverflow="hidden"
              />
            ))}
            <Line type="stepAfter" dataKey="used" name="in use (peak per point)" stroke="#3b82f6" dot={false} isAnimationActive={false} />
            <Line type="stepAfter" dataKey="limit" name="limit" stroke="#ef4444" strokeDasharray="6 3" dot={false} isAnimationActive={false} />
            {limit ? <ReferenceLine y={Math.round(limit * warn)} stroke={LEVEL_COLOR.warn} strokeDasharray="2 4" /> : null}
            {firstSample !== null && noDataArea(t0, firstSample - (t1 - t0) / 100)}
            {zoom.selection}
          </ComposedChart>
        </ResponsiveContainer>
      </ChartBox>
      {metric.markers.length > 0 && (
        <div
          className="relative h-5 text-[10px]"
          aria-label="Exhaustion errors from this source"
          data-testid="capacity-markers"
          style={{ marginLeft: PLOT_LEFT, marginRight: PLOT_RIGHT }}
        >
          {metric.markers.map((b) => (
            <span
              key={b.from}
              data-testid="capacity-marker"
              suppressHydrationWarning
              title={describeBand(b)}
              aria-label={describeBand(b)}
              className="absolute top-0 -translate-x-1/2 cursor-help rounded bg-red-600 px-1 font-medium text-white tabular-nums"
              style={{ left: `${share((b.from + Math.max(b.to, b.from)) / 2) * 100}%` }}
            >
              {b.count}
            </span>
          ))}
        </div>
      )}
    </div>
  );
}
