import "server-only";
import { getCapacityPeaks, GAUGE_PEAK_SECONDS } from "../capacity/get-capacity-peaks";
import { CAPACITY_KINDS } from "../capacity/read-source-capacity";
import { levelOf, thresholdsFor, type Level, type Thresholds } from "../capacity/thresholds";
import { queryIncidents, sparklines, toSummary, type IncidentSummary } from "../incidents/list-incidents";
import { ADVISORY_LOCK_STUCK } from "../postgres/stuck-incident";
import { SUMMARY_LOCK_TYPE } from "../postgres/write-lock-samples";
import { listSources } from "../sources/source-registry";
import { Prisma, type PrismaClient } from "../store/generated/client";
import { RANGE_MS, type OverviewRange } from "../vocabulary/time-ranges";
import { resolveOverviewWindow, type OverviewQuery, type OverviewWindow } from "./overview-window";

export { OverviewQuerySchema, type OverviewQuery } from "./overview-window";

const KIND_BUCKETS = 48;
/** A sample older than this is not "current". */
const CURRENT_MS = 2 * 60_000;

export type LockNow = {
  source: string;
  sampledAt: string | null;
  waiters: number;
  longestWaitMs: number | null;
  stuck: number;
  waiting: { pid: number; waitMs: number | null; lock: string; blockedBy: number[] }[];
};
export type GaugeNow = {
  source: string;
  kind: string;
  healthStatus: string;
  metric: string;
  value: number;
  limit: number | null;
  level: Level;
  thresholds: Thresholds;
  sampledAt: string;
  /** Over the last `peakWindowSeconds`: a gauge that flips between 102 % and 9 % shows its peak too. */
  peak: { value: number; limit: number | null; level: Level } | null;
  atLimitSeconds: number;
  peakWindowSeconds: number;
};

export type Overview = {
  asOf: string;
  range: { from: string; to: string; bucketMs: number; preset: OverviewWindow["range"]; fitted: boolean; dataSince: string | null };
  kinds: string[];
  perKind: ({ t: number } & Record<string, number>)[];
  topOpen: IncidentSummary[];
  locks: LockNow[];
  stuckLocks: { id: number; title: string; source: string | null; lastSeen: string; status: string }[];
  gauges: GaugeNow[];
  downSources: { name: string; kind: string; error: string | null; downSince: string | null }[];
};

/**
 * Events per bucket and incident kind from `start` (to `to`, for a custom window), read from the
 * writer's per-minute rollup (a few rows a minute), not from every incident's minutes. (The triage
 * bench explains it.)
 */
export const perKindSql = (start: number, bucketMs: number, to?: number) => Prisma.sql`
  SELECT floor((extract(epoch FROM k.minute) * 1000 - ${start}) / ${bucketMs})::int AS b, k.kind, sum(k.count)::int AS n
  FROM "SourceKindMinute" k
  WHERE k.minute >= ${new Date(start)}${to === undefined ? Prisma.empty : Prisma.sql` AND k.minute <= ${new Date(to)}`} GROUP BY 1, 2`;

/** The per-kind chart's buckets over from–to: whole minutes (the rollup cannot be split finer), about KIND_BUCKETS of them. */
export function windowBuckets(from: number, to: number): { start: number; bucketMs: number; buckets: number } {
  const bucketMs = Math.max(60_000, Math.ceil((to - from) / KIND_BUCKETS / 60_000) * 60_000);
  const start = Math.floor(from / bucketMs) * bucketMs;
  return { start, bucketMs, buckets: Math.max(1, Math.ceil((to - start) / bucketMs)) };
}

/** Where the Overview's per-kind chart starts and how wide its buckets are, for a preset `range` at `now`. */
export function overviewBuckets(range: OverviewRange, now: Date): { start: number; bucketMs: number } {
  return windowBuckets(now.getTime() - RANGE_MS[range], now.getTime());
}

export async function getOverview(prisma: PrismaClient, q: OverviewQuery, now = new Date()): Promise<Overview> {
  const win = await resolveOverviewWindow(prisma, q, now);
  const { start, bucketMs, buckets } = windowBuckets(win.from, win.to);
  const sources = await listSources(prisma);
  const pgIds = sources.filter((s) => s.kind === "postgres").map((s) => s.id);
  const capIds = sources.filter((s) => (CAPACITY_KINDS as readonly string[]).includes(s.kind)).map((s) => s.id);
  const recent = new Date(now.getTime() - CURRENT_MS);

  const [perKindRows, top, summaries, waits, stuck, capacity, peaks] = await Promise.all([
    // A preset ends now: nothing later to leave out. A custom window stops at its `to`.
    prisma.$queryRaw<{ b: number; kind: string; n: number }[]>(perKindSql(start, bucketMs, win.range ? undefined : win.to)),
    queryIncidents(prisma, { status: "open", sort: "rate", limit: 8 }, now),
    prisma.$queryRaw<{ sourceId: number; sampledAt: Date; waitMs: number | null; data: Record<string, number> }[]>`
      SELECT DISTINCT ON ("sourceId") "sourceId", "sampledAt", "waitMs", data FROM "LockSample"
      WHERE "sourceId" = ANY(${pgIds}::int[]) AND "lockType" = ${SUMMARY_LOCK_TYPE} AND "sampledAt" >= ${recent}
      ORDER BY "sourceId", "sampledAt" DESC`,
    prisma.$queryRaw<{ sourceId: number; sampledAt: Date; pid: number; waitMs: number | null; label: string; blockingPids: number[] }[]>`
      SELECT l."sourceId", l."sampledAt", l.pid, l."waitMs", coalesce(l.data->>'key', l.data->>'label', l."objectKey", l."lockType") AS label, l."blockingPids"
      FROM "LockSample" l
      JOIN (SELECT "sourceId", max("sampledAt") AS at FROM "LockSample"
            WHERE "sourceId" = ANY(${pgIds}::int[]) AND "lockType" = ${SUMMARY_LOCK_TYPE} AND "sampledAt" >= ${recent} GROUP BY 1) last
        ON last."sourceId" = l."sourceId" AND l."sampledAt" = last.at
      WHERE NOT l.granted AND l."lockType" <> ${SUMMARY_LOCK_TYPE}
      ORDER BY l."waitMs" DESC NULLS LAST LIMIT 50`,
    prisma.$queryRaw<{ id: number; title: string; source: string | null; lastSeen: Date; status: string }[]>`
      SELECT i.id, i.title, s.name AS source, i."lastSeen", i.status FROM "Incident" i LEFT JOIN "Source" s ON s.id = i."sourceId"
      WHERE i.kind = ${ADVISORY_LOCK_STUCK} AND i.status IN ('open', 'acknowledged') AND i."lastSeen" >= ${recent}
      ORDER BY i."lastSeen" DESC LIMIT 20`,
    prisma.$queryRaw<{ sourceId: number; metric: string; value: number; limit: number | null; sampledAt: Date }[]>`
      SELECT DISTINCT ON ("sourceId", metric) "sourceId", metric, value, "limit", "sampledAt" FROM "CapacitySample"
      WHERE "sourceId" = ANY(${capIds}::int[]) AND "sampledAt" >= ${new Date(now.getTime() - 10 * 60_000)}
      ORDER BY "sourceId", metric, "sampledAt" DESC`,
    getCapacityPeaks(
      prisma,
      sources.filter((s) => capIds.includes(s.id)),
      now,
    ),
  ]);

  const kinds = [...new Set(perKindRows.map((r) => r.kind))].sort();
  const perKind = Array.from(
    { length: buckets },
    (_, i) => ({ t: start + i * bucketMs, ...Object.fromEntries(kinds.map((k) => [k, 0])) }) as { t: number } & Record<string, number>,
  );
  for (const r of perKindRows) if (perKind[r.b]) perKind[r.b][r.kind] += r.n;

  const byId = new Map(sources.map((s) => [s.id, s]));
  // Over the range shown, like the chart beside them.
  const sparks = await sparklines(
    prisma,
    top.map((t) => t.id),
    now,
    { from: win.from, to: win.to },
  );
  return {
    asOf: now.toISOString(),
    range: {
      from: new Date(start).toISOString(),
      to: new Date(win.to).toISOString(),
      bucketMs,
      preset: win.range,
      fitted: win.fitted,
      dataSince: win.dataSince,
    },
    kinds,
    perKind,
    topOpen: top.map((r) => ({ ...toSummary(r), spark: sparks.get(r.id) ?? [] })),
    locks: summaries.map((s) => ({
      source: byId.get(s.sourceId)?.name ?? String(s.sourceId),
      sampledAt: s.sampledAt.toISOString(),
      waiters: Number(s.data.waiters ?? 0),
      longestWaitMs: s.waitMs,
      stuck: Number(s.data.stuck ?? 0),
      waiting: waits.filter((w) => w.sourceId === s.sourceId).map((w) => ({ pid: w.pid, waitMs: w.waitMs, lock: w.label, blockedBy: w.blockingPids })),
    })),
    stuckLocks: stuck.map((s) => ({ ...s, lastSeen: s.lastSeen.toISOString() })),
    gauges: capacity.map((c) => {
      const s = byId.get(c.sourceId)!;
      const thresholds = thresholdsFor(s.config);
      const p = peaks.get(`${c.sourceId}:${c.metric}`);
      const peak = p?.peak ? { value: p.peak.value, limit: p.peak.limit, level: levelOf(p.peak.value, p.peak.limit, thresholds) } : null;
      return {
        source: s.name,
        kind: s.kind,
        healthStatus: s.healthStatus,
        metric: c.metric,
        value: c.value,
        limit: c.limit,
        level: levelOf(c.value, c.limit, thresholds),
        thresholds,
        sampledAt: c.sampledAt.toISOString(),
        peak,
        atLimitSeconds: p?.atLimitSeconds ?? 0,
        peakWindowSeconds: GAUGE_PEAK_SECONDS,
      };
    }),
    downSources: sources.filter((s) => s.healthStatus === "down").map((s) => ({ name: s.name, kind: s.kind, error: s.healthError, downSince: s.downSince })),
  };
}
