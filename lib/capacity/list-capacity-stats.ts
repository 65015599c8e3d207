import "server-only";
import type { PrismaClient } from "../store/generated/client";
import { FORECAST_RULE, type Trend } from "./forecast";

/** What one metric of one source did over a window: its latest reading, peak, time at the limit and trend. */
export type CapacityStats = {
  sourceId: number;
  metric: string;
  /** The latest reading at or before the window's end (possibly older than the window: a source that went down). */
  latest: { value: number; limit: number | null; sampledAt: Date; data: Record<string, unknown> } | null;
  samples: number;
  peak: { value: number; limit: number | null; ratio: number | null; at: Date } | null;
  /** Seconds with a reading at or over the limit (each sample counts until the next one, at most `gapSeconds`). */
  atLimitSeconds: number;
  /** When the current run at the limit began (null when the latest reading is below it). */
  atLimitSince: Date | null;
  /** The run began before the window: `atLimitSince` is only the window's first sample. */
  atLimitSinceBeforeWindow: boolean;
  trend: Trend;
};

type StatsRow = {
  sourceId: number;
  metric: string;
  value: number | null;
  limit: number | null;
  sampledAt: Date | null;
  data: Record<string, unknown> | null;
  samples: number;
  peak: number | null;
  peakLimit: number | null;
  peakRatio: number | null;
  peakAt: Date | null;
  atLimitSeconds: number | null;
  lastBelow: Date | null;
  since: Date | null;
  trendSamples: number;
  trendSpan: number | null;
  slope: number | null;
  intercept: number | null;
  r2: number | null;
  trendPeakRatio: number | null;
};

/**
 * One statement for every (source, metric): the latest reading by the index (newest first, LIMIT
 * 1), and over the window the peak, the time at the limit (each sample holds until the next one,
 * capped so a gap in sampling is not counted), when the current run at the limit began, and a
 * least-squares fit over the trend window with x in seconds before `to`.
 */
export async function listCapacityStats(
  prisma: PrismaClient,
  pairs: { sourceId: number; metric: string }[],
  window: { from: Date; to: Date; gapSeconds: number },
): Promise<CapacityStats[]> {
  if (pairs.length === 0) return [];
  const { from, to, gapSeconds } = window;
  const trendX = -Math.min(FORECAST_RULE.trendSeconds, (to.getTime() - from.getTime()) / 1000);
  const rows = await prisma.$queryRaw<StatsRow[]>`
    WITH p AS (
      SELECT * FROM unnest(${pairs.map((x) => x.sourceId)}::int[], ${pairs.map((x) => x.metric)}::text[]) AS p("sourceId", metric)
    )
    SELECT p."sourceId", p.metric, l.value, l."limit", l."sampledAt", l.data,
      a.samples, a.peak, a."peakLimit", a."peakRatio", a."peakAt", a."atLimitSeconds", a."lastBelow",
      (SELECT min(c."sampledAt") FROM "CapacitySample" c
        WHERE c."sourceId" = p."sourceId" AND c.metric = p.metric AND c."sampledAt" > coalesce(a."lastBelow", ${from}::timestamptz) AND c."sampledAt" <= ${to}::timestamptz) AS since,
      a."trendSamples", a."trendSpan", a.slope, a.intercept, a.r2, a."trendPeakRatio"
    FROM p
    CROSS JOIN LATERAL (
      -- Per (source, metric) so the index hands the window over in order: no sort of every sample.
      SELECT count(*)::int AS samples,
        max(value) AS peak,
        max("limit") FILTER (WHERE value = wpeak) AS "peakLimit",
        max(value / nullif("limit", 0)) AS "peakRatio",
        max("sampledAt") FILTER (WHERE value = wpeak) AS "peakAt",
        extract(epoch FROM coalesce(sum(held) FILTER (WHERE at_limit), interval '0'))::float8 AS "atLimitSeconds",
        max("sampledAt") FILTER (WHERE NOT at_limit) AS "lastBelow",
        count(*) FILTER (WHERE x > ${trendX})::int AS "trendSamples",
        (max(x) FILTER (WHERE x > ${trendX}) - min(x) FILTER (WHERE x > ${trendX}))::float8 AS "trendSpan",
        regr_slope(value, x) FILTER (WHERE x > ${trendX}) AS slope,
        regr_intercept(value, x) FILTER (WHERE x > ${trendX}) AS intercept,
        regr_r2(value, x) FILTER (WHERE x > ${trendX}) AS r2,
        max(value / nullif("limit", 0)) FILTER (WHERE x > ${trendX}) AS "trendPeakRatio"
      FROM (
        SELECT c."sampledAt", c.value, c."limit",
          coalesce(c.value >= c."limit" AND c."limit" > 0, false) AS at_limit,
          extract(epoch FROM c."sampledAt" - ${to}::timestamptz)::float8 AS x,
          max(c.value) OVER () AS wpeak,
          least(coalesce(lag(c."sampledAt") OVER (ORDER BY c."sampledAt" DESC), ${to}::timestamptz) - c."sampledAt", make_interval(secs => ${gapSeconds}::float8)) AS held
        FROM "CapacitySample" c
        WHERE c."sourceId" = p."sourceId" AND c.metric = p.metric AND c."sampledAt" > ${from}::timestamptz AND c."sampledAt" <= ${to}::timestamptz
      ) w
    ) a
    LEFT JOIN LATERAL (
      SELECT c.value, c."limit", c."sampledAt", c.data FROM "CapacitySample" c
      WHERE c."sourceId" = p."sourceId" AND c.metric = p.metric AND c."sampledAt" <= ${to}::timestamptz
      ORDER BY c."sampledAt" DESC LIMIT 1
    ) l ON true`;
  return rows.map((r): CapacityStats => {
    const latestAtLimit = r.value !== null && r.limit !== null && r.limit > 0 && r.value >= r.limit;
    return {
      sourceId: r.sourceId,
      metric: r.metric,
      latest: r.sampledAt ? { value: r.value!, limit: r.limit, sampledAt: r.sampledAt, data: r.data ?? {} } : null,
      samples: r.samples,
      peak: r.peak !== null && r.peakAt ? { value: r.peak, limit: r.peakLimit, ratio: r.peakRatio, at: r.peakAt } : null,
      atLimitSeconds: r.atLimitSeconds ?? 0,
      atLimitSince: latestAtLimit && r.samples > 0 ? r.since : null,
      atLimitSinceBeforeWindow: latestAtLimit && r.samples > 0 && r.lastBelow === null,
      trend: { samples: r.trendSamples, spanSeconds: r.trendSpan ?? 0, slope: r.slope, intercept: r.intercept, r2: r.r2, peakRatio: r.trendPeakRatio },
    };
  });
}
