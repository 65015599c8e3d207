const DAY = 86_400_000;

/**
 * A chart's time tick, as fine as the span it covers needs: dates past two days, day and hour
 * past one, minutes below that, seconds under ten minutes.
 */
export function timeTick(t: number, spanMs: number): string {
  const d = new Date(t);
  if (spanMs > 2 * DAY) return d.toLocaleDateString([], { month: "short", day: "numeric" });
  if (spanMs > DAY) return d.toLocaleString([], { day: "numeric", hour: "2-digit" });
  return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: spanMs < 600_000 ? "2-digit" : undefined });
}

/** A chart tooltip's heading: the bucket's full local time. */
export const tooltipTime = (t: unknown) => new Date(Number(t)).toLocaleString();
