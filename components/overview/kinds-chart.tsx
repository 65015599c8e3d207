"use client";

import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Overview } from "@/components/data/overview-query";
import { KIND_LABEL } from "@/components/incidents/status-badge";

const COLORS = ["#ef4444", "#f59e0b", "#3b82f6", "#10b981", "#a855f7", "#ec4899", "#14b8a6", "#f97316", "#6366f1", "#84cc16", "#64748b", "#0ea5e9"];

/** Incident events per kind over time, stacked. */
export function KindsChart({ overview }: { overview: Overview }) {
  if (overview.kinds.length === 0) return <p className="py-8 text-center text-sm text-slate-500">No incident events in this range.</p>;
  const span = Date.parse(overview.range.to) - Date.parse(overview.range.from);
  const fmt = (t: number) => (span > 86_400_000 ? new Date(t).toLocaleString([], { day: "numeric", hour: "2-digit" }) : new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }));
  return (
    <div className="h-56 w-full" data-testid="kinds-chart">
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={overview.perKind} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
          <XAxis dataKey="t" type="number" scale="time" domain={["dataMin", "dataMax"]} tickFormatter={fmt} fontSize={11} />
          <YAxis fontSize={11} width={44} allowDecimals={false} />
          <Tooltip labelFormatter={(t) => new Date(Number(t)).toLocaleString()} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {overview.kinds.map((k, i) => (
            <Area key={k} type="stepAfter" dataKey={k} name={KIND_LABEL[k] ?? k} stackId="kinds" stroke={COLORS[i % COLORS.length]} fill={COLORS[i % COLORS.length]} fillOpacity={0.6} isAnimationActive={false} />
          ))}
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}
