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
