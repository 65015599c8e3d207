"use client";

import type { LockHistory } from "@/components/data/locks-query";
import { formatClock, formatMs } from "./format";

/**
 * When each advisory key was held and by whom. A hold starts at its `since` (the holder's
 * transaction start, what the samples prove) when that is earlier than the first sample that
 * saw it: that stretch is drawn hatched, the sampled stretch solid.
 */
export function KeyTimeline({ data, atMs }: { data: LockHistory; atMs: number | null }) {
  const from = new Date(data.from).getTime();
  const span = Math.max(1, new Date(data.to).getTime() - from);
  const pct = (ms: number) => Math.min(100, Math.max(0, ((ms - from) / span) * 100));
  if (data.keys.length === 0) return <p className="text-sm text-slate-500">No advisory lock was held in this window.</p>;
  return (
    <ul className="space-y-1" data-testid="key-timeline">
      {data.keys.map((k) => (
        <li key={k.objectKey} className="flex items-center gap-2 text-xs">
          <span className="w-40 shrink-0 truncate font-mono" title={k.objectKey}>
            {k.key}
          </span>
          <div className="relative h-4 flex-1 rounded bg-slate-100 dark:bg-slate-800">
            {k.spans.map((s) => {
              const first = new Date(s.from).getTime();
              const last = new Date(s.to).getTime();
              const start = s.since ? new Date(s.since).getTime() : first;
              const title = `pid ${s.pid} (${s.application || "?"} as ${s.user ?? "?"}) held ${formatClock(start)}–${formatClock(last)}, ${formatMs(last - start)}${
                s.since ? ` (since its transaction began; first sampled ${formatClock(first)})` : ""
              }${start < from ? ", from before this window" : ""}`;
              return (
                <div key={`${s.pid}-${s.from}`} data-testid="hold-span" data-pid={s.pid} data-since={s.since ?? s.from} title={title}>
                  {start < first && (
                    <div
                      className="absolute top-0 h-4 rounded-l bg-[repeating-linear-gradient(45deg,rgb(245_158_11/0.7)_0_3px,transparent_3px_6px)]"
                      style={{ left: `${pct(start)}%`, width: `${Math.max(0, pct(first) - pct(start))}%` }}
                    />
                  )}
                  <div
                    className="absolute top-0 h-4 rounded bg-amber-500/80"
                    style={{ left: `${pct(first)}%`, width: `${Math.max(0.5, pct(last) - pct(first))}%` }}
                  />
                </div>
              );
            })}
            {atMs !== null && <div className="absolute -top-0.5 h-5 w-0.5 bg-sky-600" style={{ left: `${pct(atMs)}%` }} aria-hidden />}
          </div>
        </li>
      ))}
    </ul>
  );
}
