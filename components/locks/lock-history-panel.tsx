"use client";

import { useState } from "react";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useLockHistory } from "@/components/data/locks-query";
import { LoadingPanel } from "@/components/ui/loading-panel";
import { formatMs } from "./format";

const WINDOWS = [15, 60, 360, 1440];
const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });

/** Waiters and the longest wait over time, and when each advisory key was held and by whom. */
export function LockHistoryPanel({ source }: { source: string }) {
  const [minutes, setMinutes] = useState(60);
  const { data, isLoading, error } = useLockHistory(source, minutes);
  const from = data ? new Date(data.from).getTime() : 0;
  const span = data ? new Date(data.to).getTime() - from : 1;
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900" aria-label="Lock history">
      <div className="mb-2 flex items-center justify-between">
        <h2 className="text-sm font-medium">History (sampled)</h2>
        <select aria-label="History window" value={minutes} onChange={(e) => setMinutes(Number(e.target.value))} className="rounded border border-slate-300 bg-transparent px-2 py-1 text-sm dark:border-slate-700">
          {WINDOWS.map((w) => (
            <option key={w} value={w}>{w < 60 ? `${w} min` : `${w / 60} h`}</option>
          ))}
        </select>
      </div>
      <LoadingPanel isLoading={isLoading} error={error} isEmpty={!data || data.series.length === 0} empty="No samples yet: the sampler records a snapshot every few seconds.">
        {data && (
          <>
            <div className="h-56">
              <ResponsiveContainer width="100%" height="100%">
                <LineChart data={data.series.map((p) => ({ ...p, waitS: (p.longestWaitMs ?? 0) / 1000 }))}>
                  <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
                  <XAxis dataKey="at" tickFormatter={time} fontSize={11} />
                  <YAxis yAxisId="n" allowDecimals={false} fontSize={11} />
                  <YAxis yAxisId="s" orientation="right" fontSize={11} unit=" s" />
                  <Tooltip labelFormatter={(l) => time(String(l))} />
                  <Legend />
                  <Line yAxisId="n" type="stepAfter" dataKey="waiters" name="waiters" stroke="#d97706" dot={false} isAnimationActive={false} />
                  <Line yAxisId="s" type="monotone" dataKey="waitS" name="longest wait (s)" stroke="#dc2626" dot={false} isAnimationActive={false} />
                </LineChart>
              </ResponsiveContainer>
            </div>
            <h3 className="mb-1 mt-3 text-xs font-medium uppercase tracking-wide text-slate-500">Advisory keys held</h3>
            {data.keys.length === 0 ? (
              <p className="text-sm text-slate-500">No advisory lock was held in this window.</p>
            ) : (
              <ul className="space-y-1" data-testid="key-timeline">
                {data.keys.map((k) => (
                  <li key={k.objectKey} className="flex items-center gap-2 text-xs">
                    <span className="w-40 shrink-0 truncate font-mono" title={k.objectKey}>{k.key}</span>
                    <div className="relative h-4 flex-1 rounded bg-slate-100 dark:bg-slate-800">
                      {k.spans.map((s) => {
                        const left = ((new Date(s.from).getTime() - from) / span) * 100;
                        const width = Math.max(0.5, ((new Date(s.to).getTime() - new Date(s.from).getTime()) / span) * 100);
                        return (
                          <div
                            key={`${s.pid}-${s.from}`}
                            className="absolute top-0 h-4 rounded bg-amber-500/80"
                            style={{ left: `${left}%`, width: `${width}%` }}
                            title={`pid ${s.pid} (${s.application || "?"} as ${s.user ?? "?"}) ${time(s.from)}–${time(s.to)}, ${formatMs(new Date(s.to).getTime() - new Date(s.from).getTime())}`}
                          />
                        );
                      })}
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </LoadingPanel>
    </section>
  );
}
