"use client";

import { Bar, BarChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { EntityTimeline } from "@/components/data/entities-query";

export function DensityChart({ density }: { density: NonNullable<EntityTimeline["density"]> }) {
  if (density.buckets.length === 0) return null;
  const span = density.buckets.length * density.bucketMs;
  const fmt = (t: number) => (span > 2 * 86_400_000 ? new Date(t).toLocaleDateString() : new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: span < 600_000 ? "2-digit" : undefined }));
  return (
    <div className="h-28 w-full" data-testid="density-chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={density.buckets} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
          <XAxis dataKey="t" type="number" scale="time" domain={["dataMin", "dataMax"]} tickFormatter={fmt} fontSize={10} />
          <YAxis fontSize={10} width={32} allowDecimals={false} />
          <Tooltip labelFormatter={(t) => new Date(Number(t)).toLocaleString()} />
          <Bar dataKey="events" stackId="a" fill="#0ea5e9" name="events" isAnimationActive={false} />
          <Bar dataKey="other" stackId="a" fill="#a855f7" name="locks, writes, actions" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
