"use client";

import { CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { MetricPanel } from "@/lib/capacity/get-capacity-overview";
import { LEVEL_COLOR } from "./gauge";

const time = (t: number) => new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

/** Usage over time with the limit as its own line and ingested exhaustion errors as red marks. */
export function CapacityChart({ metric, from, to, warn }: { metric: MetricPanel; from: string; to: string; warn: number }) {
  const data = metric.series.map((p) => ({ t: p.t, used: p.value, limit: p.limit }));
  const limit = metric.limit;
  return (
    <div className="h-48 w-full min-w-0 flex-1" data-testid="capacity-chart">
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
          <XAxis dataKey="t" type="number" scale="time" domain={[Date.parse(from), Date.parse(to)]} tickFormatter={time} fontSize={11} />
          <YAxis fontSize={11} width={44} domain={[0, (max: number) => Math.max(max, limit ?? 0)]} allowDecimals={false} />
          <Tooltip labelFormatter={(t) => new Date(Number(t)).toLocaleString()} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          <Line type="monotone" dataKey="used" name="in use" stroke="#3b82f6" dot={false} isAnimationActive={false} />
          <Line type="stepAfter" dataKey="limit" name="limit" stroke="#ef4444" strokeDasharray="6 3" dot={false} isAnimationActive={false} />
          {limit ? <ReferenceLine y={Math.round(limit * warn)} stroke={LEVEL_COLOR.warn} strokeDasharray="2 4" /> : null}
          {metric.overlay.map((o) => (
            <ReferenceLine key={`${o.t}-${o.kind}`} x={o.t} stroke="#dc2626" strokeWidth={2} label={{ value: `${o.count} ${o.kind}`, fontSize: 10, fill: "#dc2626", position: "insideTopLeft" }} />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
