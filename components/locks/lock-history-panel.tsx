"use client";

import { useEffect, useState } from "react";
import { useNow } from "@/components/ui/use-now";
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useLockHistory } from "@/components/data/locks-query";
import { LoadingPanel } from "@/components/ui/loading-panel";
import { formatAxisMs, formatClock, formatMs } from "./format";
import { KeyTimeline } from "./key-timeline";
import { CARD } from "@/components/ui/panel";
import { ChartBox, noDataArea, useDragZoom, ZoomOut } from "@/components/ui/chart-zoom";
import { useUrlWindow } from "@/components/ui/use-url-window";
import { CAPACITY_RANGES, RANGE_MS, type CapacityRange } from "@/lib/vocabulary/time-ranges";

const WINDOWS = [15, 60, 360, 1440];
// The window as the URL names it (?range=), as every page's range does.
const RANGE_OF: Record<number, CapacityRange> = { 15: "15m", 60: "1h", 360: "6h", 1440: "24h" };

/**
 * Waiters and the longest wait over time, drawn as the steps they were sampled as, and when each
 * advisory key was held. Clicking on the chart (or moving the scrubber under it) picks the moment
 * the page shows (`at`; the window widens to include it); dragging across it zooms to a window
 * (?from=&to=). The window lives in the URL (?range=15m|1h|6h|24h).
 */
export function LockHistoryPanel({ source, at, onPick }: { source: string; at: string | null; onPick: (at: string) => void }) {
  const win = useUrlWindow(CAPACITY_RANGES);
  const picked = win.range ? RANGE_MS[win.range] / 60_000 : 60;
  const now = useNow();
  // The scrubber's position, before the page follows it.
  const [scrub, setScrub] = useState<number | null>(null);
  const [scrubFor, setScrubFor] = useState(at);
  if (scrubFor !== at) {
    // A new moment (a link, back/forward): the scrub that led elsewhere is over.
    setScrubFor(at);
    setScrub(null);
  }
  const atMs = at && Number.isFinite(Date.parse(at)) ? Date.parse(at) : null;
  const needed = atMs === null || now === null ? 0 : (now - atMs) / 60_000;
  const minutes = picked >= needed ? picked : (WINDOWS.find((w) => w >= needed) ?? WINDOWS[WINDOWS.length - 1]!);
  const { data, isLoading, error } = useLockHistory(source, win.custom ?? { minutes });
  // The scrubber (keys, a slider drag) settles before the page follows, so one fetch per stop.
  useEffect(() => {
    if (scrub === null || scrub === atMs) return;
    const t = setTimeout(() => onPick(new Date(scrub).toISOString()), 400);
    return () => clearTimeout(t);
  }, [scrub, atMs, onPick]);
  const shown = scrub ?? atMs;
  const bucketMs = (data?.bucketSeconds ?? 5) * 1000;
  const points = (data?.series ?? []).map((p) => ({ t: new Date(p.at).getTime(), waiters: p.waiters, wait: p.longestWaitMs ?? 0 }));
  const from = data ? new Date(data.from).getTime() : 0;
  const to = data ? new Date(data.to).getTime() : 0;
  const ticks = data ? Array.from({ length: 6 }, (_, i) => Math.round(from + ((to - from) * i) / 5)) : [];
  const zoom = useDragZoom({
    onZoom: win.zoom,
    domain: [from, to],
    onClick: (t) => {
      // The bucket under the pointer: it shows the most its samples saw, so picking it shows its last sample.
      const p = points.findLast((q) => q.t <= t) ?? points[0];
      if (!p) return;
      const end = Math.min(p.t + bucketMs - 1, to);
      setScrub(end);
      onPick(new Date(end).toISOString());
    },
  });
  return (
    <section className={`${CARD} p-3`} aria-label="Lock history">
      <div className="mb-2 flex items-center justify-between gap-2">
        <h2 className="text-sm font-medium">
          History (sampled) <span className="font-normal text-slate-500">· click on the chart to see the locks at that moment, drag across it to zoom</span>
        </h2>
        <ZoomOut custom={win.custom} onZoomOut={win.zoomOut} className="ml-auto" />
        <select
          aria-label="History window"
          value={win.custom ? "" : minutes}
          onChange={(e) => win.pickRange(RANGE_OF[Number(e.target.value)] ?? "1h")}
          className="rounded border border-slate-300 bg-transparent px-2 py-1 text-sm dark:border-slate-700"
        >
          {win.custom && <option value="">zoomed</option>}
          {WINDOWS.map((w) => (
            <option key={w} value={w}>
              {w < 60 ? `${w} min` : `${w / 60} h`}
            </option>
          ))}
        </select>
      </div>
      <LoadingPanel
        isLoading={isLoading}
        error={error}
        isEmpty={!data || data.series.length === 0}
        empty="No samples yet: the sampler records a snapshot every few seconds."
      >
        {data && (
          <>
            <ChartBox testId="history-chart" zoom={zoom} height="h-56" window={data}>
              <ResponsiveContainer width="100%" height="100%">
                <LineChart data={points}>
                  <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
                  <XAxis dataKey="t" type="number" domain={[from, to]} ticks={ticks} tickFormatter={(t: number) => formatClock(t)} fontSize={11} />
                  <YAxis yAxisId="n" allowDecimals={false} fontSize={11} />
                  <YAxis yAxisId="ms" orientation="right" fontSize={11} tickFormatter={formatAxisMs} width={68} />
                  <Tooltip
                    labelFormatter={(t) => formatClock(Number(t))}
                    formatter={(v, name) => (name === "longest wait" ? formatMs(Number(v)) : String(v))}
                    isAnimationActive={false}
                  />
                  <Legend />
                  <Line yAxisId="n" type="stepAfter" dataKey="waiters" name="waiters" stroke="#d97706" dot={false} isAnimationActive={false} />
                  <Line yAxisId="ms" type="stepAfter" dataKey="wait" name="longest wait" stroke="#dc2626" dot={false} isAnimationActive={false} />
                  {shown !== null && shown >= from && (
                    <ReferenceLine
                      yAxisId="n"
                      x={shown}
                      stroke="#0284c7"
                      strokeWidth={2}
                      label={{ value: "as of", position: "insideTopLeft", fontSize: 11, fill: "#0284c7" }}
                    />
                  )}
                  {points.length > 0 && noDataArea(from, points[0]!.t, "n")}
                  {zoom.selection}
                </LineChart>
              </ResponsiveContainer>
            </ChartBox>
            <input
              type="range"
              aria-label="Time scrubber"
              className="mt-1 w-full accent-sky-600"
              min={from}
              max={to}
              step={bucketMs}
              value={shown ?? to}
              onChange={(e) => setScrub(Number(e.target.value))}
            />
            <h3 className="mb-1 mt-3 text-xs font-medium uppercase tracking-wide text-slate-500">Advisory keys held</h3>
            <KeyTimeline data={data} atMs={shown} />
          </>
        )}
      </LoadingPanel>
    </section>
  );
}
