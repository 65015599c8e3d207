import type { MetricPanel } from "@/lib/capacity/get-capacity-overview";

const clock = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });

export function formatDuration(s: number): string {
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** "15 min", "1 h": the window a figure is over. */
const windowLabel = (s: number) => (s < 3600 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`);

/**
 * What the gauge alone cannot say: whether the metric was at its limit in the window and for how
 * long, since when it is stuck there, when it will be full (only for a sustained rise below the
 * limit, see lib/capacity/forecast.ts), and how far to trust the reading.
 */
export function MetricStatus({ metric: m }: { metric: MetricPanel }) {
  const over = m.limit !== null && m.value > m.limit;
  const peakOver = m.peak?.limit != null && m.peak.value > m.peak.limit;
  return (
    <div className="flex max-w-56 flex-col items-center gap-1 text-center text-xs">
      {m.saturated && (
        <p data-testid="capacity-saturated" className="rounded bg-red-100 px-1.5 py-0.5 font-medium text-red-800 dark:bg-red-950 dark:text-red-200">
          {m.atLimitSeconds > 0 || m.atLimitSince
            ? `Saturated: at the limit ${formatDuration(m.atLimitSeconds)} of the last ${windowLabel(m.windowSeconds)}`
            : `Saturated: refused at the limit ${m.refusals} time${m.refusals === 1 ? "" : "s"} in the last ${windowLabel(m.windowSeconds)}`}
        </p>
      )}
      {m.atLimitSince && (
        <p data-testid="capacity-at-limit-since" className="text-red-700 dark:text-red-300">
          at the limit since {m.atLimitSinceBeforeWindow ? "before " : ""}
          <time dateTime={m.atLimitSince} suppressHydrationWarning>
            {clock(m.atLimitSince)}
          </time>
        </p>
      )}
      {m.secondsToExhaustion !== null && (
        <p
          data-testid="capacity-forecast"
          className="font-medium text-amber-700 dark:text-amber-300"
          title="A least-squares line over the last 15 minutes that rises steadily (R² ≥ 0.6, ≥ 10 samples) and reaches the limit within 24 h"
        >
          Full in ~{formatDuration(m.secondsToExhaustion)} at this rate
        </p>
      )}
      {(over || peakOver) && m.origin === "proc" && (
        <p data-testid="capacity-over-limit" className="text-slate-600 dark:text-slate-400">
          Above the soft limit: descriptors opened (or inherited) before the limit was lowered stay open; the kernel only refuses new ones (EMFILE).
        </p>
      )}
      {m.origin === "metrics" && (
        <p data-testid="capacity-metrics-caveat" className="text-slate-600 dark:text-slate-400">
          Read from the process&apos;s metrics endpoint, which answers only while it has a free descriptor: it can miss saturation (and a failed scrape may be
          the limit itself). A process source reading /proc is authoritative.
        </p>
      )}
      {m.origin === "proc" && <p className="text-slate-500">counted from /proc (authoritative)</p>}
    </div>
  );
}
