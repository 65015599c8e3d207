"use client";

import { Bar, BarChart, CartesianGrid, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { IncidentDetail } from "@/components/data/incidents-query";
import { ChartBox, padBuckets, useDragZoom } from "@/components/ui/chart-zoom";
import { timeTick, tooltipTime } from "@/components/ui/time-axis";

/** Events per bucket over the chosen range, the spike marked; drag across it to zoom. */
export function IncidentHistogram({
  histogram,
  spikeAt,
  onZoom,
}: {
  histogram: IncidentDetail["histogram"];
  spikeAt: string | null;
  onZoom: (from: number, to: number) => void;
}) {
  const from = Date.parse(histogram.from);
  const to = Date.parse(histogram.to);
  const spikeBucket = spikeAt ? Math.floor(Date.parse(spikeAt) / histogram.bucketMs) * histogram.bucketMs : null;
  const empty = histogram.points.every((p) => p.count === 0);
  const points = padBuckets(histogram.points, histogram.bucketMs, (t) => ({ t, count: 0 }));
  const zoom = useDragZoom({ onZoom, domain: [points[0]?.t ?? from, points[points.length - 1]?.t ?? to] });
  return (
    <ChartBox testId="incident-histogram" zoom={zoom} noData={empty ? "No events in this window." : null} window={histogram}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={points} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
          <XAxis dataKey="t" type="number" scale="time" domain={["dataMin", "dataMax"]} tickFormatter={(t) => timeTick(t, to - from)} fontSize={11} />
          <YAxis fontSize={11} width={40} allowDecimals={false} />
          <Tooltip labelFormatter={tooltipTime} formatter={(v) => [v, "events"]} />
          <Bar dataKey="count" fill="#f43f5e" isAnimationActive={false} />
          {spikeBucket !== null && (
            <ReferenceLine x={spikeBucket} stroke="#0f172a" strokeDasharray="4 3" label={{ value: "spike", fontSize: 10, position: "insideTopRight" }} />
          )}
          {zoom.selection}
        </BarChart>
      </ResponsiveContainer>
    </ChartBox>
  );
}
