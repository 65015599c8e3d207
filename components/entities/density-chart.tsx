"use client";

import { Bar, BarChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { EntityTimeline } from "@/components/data/entities-query";
import { ChartBox, padBuckets, useDragZoom } from "@/components/ui/chart-zoom";
import { timeTick, tooltipTime } from "@/components/ui/time-axis";

/** How the entity's events spread over time; drag across it to narrow the timeline to a window. */
export function DensityChart({ density, onZoom }: { density: NonNullable<EntityTimeline["density"]>; onZoom: (from: number, to: number) => void }) {
  const buckets = padBuckets(density.buckets, density.bucketMs, (t) => ({ t, events: 0, other: 0 }));
  const zoom = useDragZoom({ onZoom, domain: [buckets[0]?.t ?? 0, buckets[buckets.length - 1]?.t ?? 0] });
  const span = Math.max(1, buckets.length) * density.bucketMs;
  const window = buckets.length
    ? { from: new Date(buckets[0]!.t).toISOString(), to: new Date(buckets[buckets.length - 1]!.t + density.bucketMs).toISOString() }
    : undefined;
  return (
    <ChartBox testId="density-chart" zoom={zoom} height="h-28" noData={density.buckets.length === 0 ? "Nothing in this window." : null} window={window}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={buckets} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
          <XAxis dataKey="t" type="number" scale="time" domain={["dataMin", "dataMax"]} tickFormatter={(t) => timeTick(t, span)} fontSize={10} />
          <YAxis fontSize={10} width={32} allowDecimals={false} />
          <Tooltip labelFormatter={tooltipTime} />
          <Bar dataKey="events" stackId="a" fill="#0ea5e9" name="events" isAnimationActive={false} />
          <Bar dataKey="other" stackId="a" fill="#a855f7" name="locks, writes, actions" isAnimationActive={false} />
          {zoom.selection}
        </BarChart>
      </ResponsiveContainer>
    </ChartBox>
  );
}
