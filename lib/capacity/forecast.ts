/**
 * When to say "full in ~N": only for a sustained rise below the limit. A process that already
 * hit its limit is saturated (shown as such, with "at the limit since …"), and an idle source
 * whose count wobbles by one is not heading anywhere.
 */
export const FORECAST_RULE = {
  /** The trend is fitted over the last 15 minutes of the window. */
  trendSeconds: 15 * 60,
  /** At least this many samples in the trend window… */
  minSamples: 10,
  /** …spread over at least 10 of its 15 minutes: a source that just started (its ramp-up) is no trend yet. */
  minSpanSeconds: 10 * 60,
  /** The least-squares line must explain this much of the variance (R²). */
  minR2: 0.6,
  /** The line must rise by at least one whole connection or descriptor over the trend window. */
  minRise: 1,
  /** Projections further out than this are not shown. */
  horizonSeconds: 24 * 3600,
} as const;

/** A least-squares fit of value against seconds relative to the end of the window (x = 0 is "now"). */
export type Trend = { samples: number; spanSeconds: number; slope: number | null; intercept: number | null; r2: number | null; peakRatio: number | null };

export type ForecastInput = { value: number; limit: number | null; trend: Trend };

/** Seconds until the limit at the fitted rate, or null when the rule says not to forecast. */
export function forecastExhaustion({ value, limit, trend }: ForecastInput, rule = FORECAST_RULE): number | null {
  if (!limit || limit <= 0 || value >= limit) return null;
  if (trend.peakRatio !== null && trend.peakRatio >= 1) return null;
  const { slope, intercept, r2, samples } = trend;
  if (samples < rule.minSamples || trend.spanSeconds < rule.minSpanSeconds || slope === null || intercept === null || r2 === null) return null;
  if (slope <= 0 || r2 < rule.minR2 || slope * rule.trendSeconds < rule.minRise) return null;
  if (intercept >= limit) return null;
  const seconds = (limit - intercept) / slope;
  return seconds <= rule.horizonSeconds ? seconds : null;
}

/** The same fit the SQL does (regr_slope / regr_intercept / regr_r2), for tests and small series. */
export function fitTrend(points: { x: number; v: number; ratio?: number }[]): Trend {
  const n = points.length;
  const peakRatio = points.some((p) => p.ratio !== undefined) ? Math.max(...points.map((p) => p.ratio ?? 0)) : null;
  const spanSeconds = n ? Math.max(...points.map((p) => p.x)) - Math.min(...points.map((p) => p.x)) : 0;
  if (n < 2) return { samples: n, spanSeconds, slope: null, intercept: null, r2: null, peakRatio };
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const mv = points.reduce((s, p) => s + p.v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.v - mv);
    sxx += (p.x - mx) ** 2;
    syy += (p.v - mv) ** 2;
  }
  if (sxx === 0) return { samples: n, spanSeconds, slope: null, intercept: null, r2: null, peakRatio };
  const slope = sxy / sxx;
  // PostgreSQL's regr_r2 is 1 for a flat series (syy = 0): a flat line is also no rise, so either way no forecast.
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { samples: n, spanSeconds, slope, intercept: mv - slope * mx, r2, peakRatio };
}
