export type Thresholds = { warn: number; critical: number };
export type Level = "ok" | "warn" | "critical" | "unknown";

const fraction = (v: unknown): number | null => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) return null;
  return n > 1 ? n / 100 : n; // accept 80 or 0.8
};

/** Source config {warn, critical} over env LOCKBOARD_CAPACITY_WARN / _CRITICAL over 80 % / 95 %. */
export function thresholdsFor(config: Record<string, unknown> = {}, env: Record<string, string | undefined> = process.env): Thresholds {
  return {
    warn: fraction(config.warn) ?? fraction(env.LOCKBOARD_CAPACITY_WARN) ?? 0.8,
    critical: fraction(config.critical) ?? fraction(env.LOCKBOARD_CAPACITY_CRITICAL) ?? 0.95,
  };
}

export function levelOf(value: number, limit: number | null, t: Thresholds): Level {
  if (!limit || limit <= 0) return "unknown";
  const r = value / limit;
  return r >= t.critical ? "critical" : r >= t.warn ? "warn" : "ok";
}

/**
 * Seconds until `limit` at the current linear trend (least squares over the points), or null
 * when the trend is flat or falling, or there is too little history to say.
 */
export function timeToExhaustion(points: { t: number; v: number }[], limit: number | null): number | null {
  if (!limit || points.length < 3) return null;
  const n = points.length;
  const mt = points.reduce((s, p) => s + p.t, 0) / n;
  const mv = points.reduce((s, p) => s + p.v, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - mt) * (p.v - mv);
    den += (p.t - mt) ** 2;
  }
  if (den === 0) return null;
  const slopePerMs = num / den;
  if (slopePerMs <= 0) return null;
  const last = points[n - 1]!;
  const fitted = mv + slopePerMs * (last.t - mt);
  if (fitted >= limit) return 0;
  return (limit - fitted) / slopePerMs / 1000;
}
