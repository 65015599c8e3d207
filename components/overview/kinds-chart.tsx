"use client";

import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Overview } from "@/components/data/overview-query";
import { KIND_LABEL } from "@/components/incidents/status-badge";
import { ChartBox, noDataArea, useDragZoom } from "@/components/ui/chart-zoom";
import { timeTick, tooltipTime } from "@/components/ui/time-axis";

const COLORS = ["#ef4444", "#f59e0b", "#3b82f6", "#10b981", "#a855f7", "#ec4899", "#14b8a6", "#f97316", "#6366f1", "#84cc16", "#64748b", "#0ea5e9"];

/**
 * Incident events per kind over time, stacked; drag across it to zoom. Buckets from before the
 * first source was added are no data (a gap under a "no data yet" band), not zeros.
 */
export function KindsChart({ overview, onZoom }: { overview: Overview; onZoom: (from: number, to: number) => void }) {
  const { range, kinds } = overview;
  const from = Date.parse(range.from);
  const to = Date.parse(range.to);
  const since = range.dataSince ? Date.parse(range.dataSince) : null;
  const zoom = useDragZoom({ onZoom, domain: [from, to] });
  const data = overview.perKind.map((p) => (since !== null && p.t + range.bucketMs <= since ? { t: p.t } : p));
  const noData = since === null || since >= to ? "No data yet: no source has been added." : kinds.length === 0 ? "No incident events in this range." : null;
  return (
    <ChartBox testId="kinds-chart" zoom={zoom} height="h-56" noData={noData} window={range}>
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
          <XAxis dataKey="t" type="number" scale="time" domain={[from, to]} tickFormatter={(t) => timeTick(t, to - from)} fontSize={11} />
          <YAxis fontSize={11} width={44} allowDecimals={false} />
          <Tooltip labelFormatter={tooltipTime} />
          {kinds.length > 0 && <Legend wrapperStyle={{ fontSize: 11 }} />}
          {noDataArea(from, since)}
          {kinds.map((k, i) => (
            <Area
              key={k}
              type="stepAfter"
              dataKey={k}
              name={KIND_LABEL[k] ?? k}
              stackId="kinds"
              stroke={COLORS[i % COLORS.length]}
              fill={COLORS[i % COLORS.length]}
              fillOpacity={0.6}
              isAnimationActive={false}
            />
          ))}
          {zoom.selection}
        </AreaChart>
      </ResponsiveContainer>
    </ChartBox>
  );
}
