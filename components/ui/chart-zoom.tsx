"use client";

import { useState, type MouseEvent as ReactMouseEvent, type ReactNode } from "react";
import { ReferenceArea } from "recharts";

type Press = { x: number; t: number };

/** The time at `clientX`: its share of the x axis's line (the plot's width) times the domain. */
function timeAt(line: Element, clientX: number, domain: [number, number]): Press | null {
  const box = line.getBoundingClientRect();
  if (box.width <= 0) return null;
  const share = Math.min(1, Math.max(0, (clientX - box.left) / box.width));
  return { x: clientX, t: domain[0] + share * (domain[1] - domain[0]) };
}

export type DragZoom = ReturnType<typeof useDragZoom>;

/**
 * Drag-to-zoom on a Recharts time chart (Grafana's habit): pressing, dragging across and letting
 * go selects a window, shaded while it is dragged; `onZoom` gets its ends, read from the pointer's
 * place on the x axis (`domain`: the axis's first and last time), so a sparse series zooms as
 * finely as a dense one. A press and release on one spot is a click: `onClick` gets its time.
 * After the press the pointer is followed on the whole window (not through Recharts' throttled
 * events), so a drag that leaves the chart, or a chart that moves under it, still ends where the
 * button is let go. Pass the hook to ChartBox; render `selection` among the chart's children.
 */
export function useDragZoom({
  onZoom,
  domain,
  onClick,
}: {
  onZoom: (from: number, to: number) => void;
  domain: [number, number];
  onClick?: (t: number) => void;
}) {
  const [sel, setSel] = useState<{ a: Press; b: number } | null>(null);
  const onMouseDown = (e: ReactMouseEvent<HTMLElement>) => {
    // A press on the legend is not one on the plot.
    if (e.button !== 0 || (e.target instanceof Element && e.target.closest(".recharts-legend-wrapper"))) return;
    const line = e.currentTarget.querySelector(".recharts-xAxis .recharts-cartesian-axis-line");
    const a = line && timeAt(line, e.clientX, domain);
    if (!line || !a) return;
    e.preventDefault();
    let moved = false;
    setSel({ a, b: a.t });
    const move = (ev: MouseEvent) => {
      const at = timeAt(line, ev.clientX, domain);
      // A few pixels of jitter in a click is not a drag.
      moved ||= !!at && Math.abs(at.x - a.x) >= 5;
      if (at && moved) setSel({ a, b: at.t });
    };
    const up = (ev: MouseEvent) => {
      window.removeEventListener("mousemove", move);
      window.removeEventListener("mouseup", up);
      setSel(null);
      const at = timeAt(line, ev.clientX, domain);
      moved ||= !!at && Math.abs(at.x - a.x) >= 5;
      if (!moved) onClick?.(a.t);
      else if (at && at.t !== a.t) onZoom(Math.min(a.t, at.t), Math.max(a.t, at.t));
    };
    window.addEventListener("mousemove", move);
    window.addEventListener("mouseup", up);
  };
  const selection =
    sel && sel.a.t !== sel.b ? (
      <ReferenceArea
        x1={Math.min(sel.a.t, sel.b)}
        x2={Math.max(sel.a.t, sel.b)}
        fill="#0ea5e9"
        fillOpacity={0.15}
        stroke="#0284c7"
        strokeOpacity={0.6}
        ifOverflow="hidden"
      />
    ) : null;
  return { handlers: { onMouseDown }, selection, selecting: sel !== null };
}

/**
 * The stretch of a chart before Lockboard had any data for it, shaded and labelled, so it does
 * not read as zeros. Null when the data covers the whole window. Render among the chart's children.
 */
export function noDataArea(from: number, dataFrom: number | null, yAxisId?: string) {
  if (dataFrom === null || dataFrom <= from) return null;
  return (
    <ReferenceArea
      x1={from}
      x2={dataFrom}
      yAxisId={yAxisId}
      fill="#94a3b8"
      fillOpacity={0.12}
      ifOverflow="hidden"
      label={{ value: "no data yet", position: "insideTop", fontSize: 11, fill: "#64748b" }}
    />
  );
}

const fmt = (iso: string) => new Date(iso).toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });

/**
 * The sized box every time chart draws in (a ResponsiveContainer needs a parent with a width and
 * a height, also on a phone), with a "no data" notice over it when there is nothing to draw and
 * the drag-to-zoom gesture (`zoom`). `window` is what the server answered for, as data-from/data-to.
 */
export function ChartBox({
  testId,
  height = "h-48",
  noData,
  window,
  zoom,
  children,
}: {
  testId: string;
  height?: string;
  noData?: string | null;
  window?: { from: string; to: string };
  zoom?: DragZoom;
  children: ReactNode;
}) {
  return (
    <div
      className={`relative w-full min-w-0 ${height} ${zoom ? "cursor-crosshair select-none" : ""}`}
      data-testid={testId}
      data-from={window?.from}
      data-to={window?.to}
      title={zoom ? "Drag across the chart to zoom in" : undefined}
      {...zoom?.handlers}
    >
      {children}
      {noData && (
        <p data-testid="chart-no-data" className="pointer-events-none absolute inset-0 flex items-center justify-center text-sm text-slate-500">
          <span className="rounded bg-white/80 px-2 py-1 dark:bg-slate-900/80">{noData}</span>
        </p>
      )}
    </div>
  );
}

/** While zoomed: the window shown and the way back to the preset. */
export function ZoomOut({ custom, onZoomOut, className = "" }: { custom: { from: string; to: string } | null; onZoomOut: () => void; className?: string }) {
  if (!custom) return null;
  return (
    <span className={`inline-flex flex-wrap items-center gap-2 text-xs ${className}`} data-testid="zoom-window">
      <span className="tabular-nums text-slate-600 dark:text-slate-400" suppressHydrationWarning>
        {fmt(custom.from)} – {fmt(custom.to)}
      </span>
      <button
        type="button"
        onClick={onZoomOut}
        className="rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
      >
        Zoom out
      </button>
    </span>
  );
}

/**
 * A bar chart on a time axis sizes its bars by the gap between buckets: with a single bucket
 * there is no gap and Recharts draws no bar at all. An empty bucket on each side restores it.
 */
export function padBuckets<T extends { t: number }>(points: T[], bucketMs: number, empty: (t: number) => T): T[] {
  if (points.length === 0 || points.length >= 3) return points;
  return [empty(points[0]!.t - bucketMs), ...points, empty(points[points.length - 1]!.t + bucketMs)];
}
