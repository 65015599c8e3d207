"use client";

import { Bar, BarChart, CartesianGrid, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { IncidentDetail } from "@/components/data/incidents-query";

const tick = (t: number, spanMs: number) =>
  spanMs > 2 * 86_400_000 ? new Date(t).toLocaleDateString([], { month: "short", day: "numeric" }) : new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

/** Events per bucket over the chosen range, the spike marked. */
export function IncidentHistogram({ histogram, spikeAt }: { histogram: IncidentDetail["histogram"]; spikeAt: string | null }) {
  const span = Date.parse(histogram.to) - Date.parse(histogram.from);
  const spikeBucket = spikeAt ? Math.floor(Date.parse(spikeAt) / histogram.bucketMs) * histogram.bucketMs : null;
  return (
    <div className="h-48 w-full" data-testid="incident-histogram">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={histogram.points} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
          <XAxis dataKey="t" type="number" scale="time" domain={["dataMin", "dataMax"]} tickFormatter={(t) => tick(t, span)} fontSize={11} />
          <YAxis fontSize={11} width={40} allowDecimals={false} />
          <Tooltip labelFormatter={(t) => new Date(Number(t)).toLocaleString()} formatter={(v) => [v, "events"]} />
          <Bar dataKey="count" fill="#f43f5e" isAnimationActive={false} />
          {spikeBucket !== null && <ReferenceLine x={spikeBucket} stroke="#0f172a" strokeDasharray="4 3" label={{ value: "spike", fontSize: 10, position: "insideTopRight" }} />}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
