/** 850 ms, 12.3 s, 4m 05s, 2h 10m: durations an operator reads at a glance. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.floor(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
}

const UNITS: [string, number, number][] = [
  ["ms", 1, 1000],
  ["s", 1000, 60],
  ["min", 60_000, 60],
  ["h", 3_600_000, Infinity],
];

/** Chart axis ticks: 0, 9.5 ms, 250 ms, 1.5 s, 45 s, 2 min, 1.5 h (never "0.0095s"). */
export function formatAxisMs(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return "0";
  for (const [unit, size, next] of UNITS) {
    const v = ms / size;
    // One decimal below 10, two significant digits above; a value that rounds up to the next unit moves there.
    const shown = v < 10 ? Math.round(v * 10) / 10 : Number(v.toPrecision(2));
    if (shown < next) return `${shown} ${unit}`;
  }
  return "0";
}
/** 09:37:02 (24 h), with the date in front when it is not today's. */
export function formatClock(iso: string | number, now: Date = new Date()): string {
  const d = new Date(iso);
  const time = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
  return d.toDateString() === now.toDateString() ? time : `${d.toLocaleDateString([], { year: "numeric", month: "short", day: "numeric" })} ${time}`;
}
