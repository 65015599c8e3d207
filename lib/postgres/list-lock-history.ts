import "server-only";
import { z } from "zod";
import type { PrismaClient } from "../store/generated/client";
import { SUMMARY_LOCK_TYPE } from "./write-lock-samples";

export const LockHistoryQuerySchema = z.object({
  minutes: z.coerce.number().int().min(1).max(7 * 24 * 60).default(60),
  keys: z.coerce.number().int().min(1).max(100).default(20),
});
export type LockHistoryQuery = z.infer<typeof LockHistoryQuerySchema>;

export type LockHistoryPoint = { at: string; waiters: number; longestWaitMs: number | null; locksTotal: number; stuck: number };
export type HoldSpan = { pid: number; backendStart: string | null; application: string | null; user: string | null; from: string; to: string; samples: number };
export type KeyTimeline = { objectKey: string; key: string; spans: HoldSpan[] };
export type LockHistory = { from: string; to: string; bucketSeconds: number; series: LockHistoryPoint[]; keys: KeyTimeline[] };

type PointRow = { at: Date; waiters: number; longest: number | null; locks: number; stuck: number };
type SpanRow = { objectKey: string; key: string | null; pid: number; backendStart: string | null; application: string | null; user: string | null; from: Date; to: Date; samples: number };

/**
 * Waiters and the longest wait over time (at most ~300 buckets), and for the most recently
 * held advisory keys, who held each one when: consecutive samples of the same backend holding
 * the same key make one span (gaps-and-islands over the sampler's ticks).
 */
export async function listLockHistory(prisma: PrismaClient, sourceId: number, q: LockHistoryQuery, intervalMs: number): Promise<LockHistory> {
  const to = new Date();
  const from = new Date(to.getTime() - q.minutes * 60_000);
  const bucketSeconds = Math.max(Math.round(intervalMs / 1000), Math.ceil((q.minutes * 60) / 300));
  const points = await prisma.$queryRaw<PointRow[]>`
    SELECT to_timestamp(floor(extract(epoch FROM "sampledAt") / ${bucketSeconds}) * ${bucketSeconds}) AS at,
           max(("data"->>'waiters')::int)::int AS waiters, max("waitMs")::int AS longest,
           max(("data"->>'locksTotal')::int)::int AS locks, max(("data"->>'stuck')::int)::int AS stuck
    FROM "LockSample"
    WHERE "sourceId" = ${sourceId} AND "lockType" = ${SUMMARY_LOCK_TYPE} AND "sampledAt" >= ${from}
    GROUP BY 1 ORDER BY 1`;
  const spans = await prisma.$queryRaw<SpanRow[]>`
    WITH held AS (
      SELECT "objectKey", "pid", "sampledAt", "data"->>'key' AS key, "data"->>'backendStart' AS bs,
             "data"->>'application' AS app, "data"->>'user' AS usr
      FROM "LockSample"
      WHERE "sourceId" = ${sourceId} AND "lockType" = 'advisory' AND "granted" AND "sampledAt" >= ${from}
    ), ticks AS (
      SELECT "sampledAt", row_number() OVER (ORDER BY "sampledAt") AS n
      FROM "LockSample" WHERE "sourceId" = ${sourceId} AND "lockType" = ${SUMMARY_LOCK_TYPE} AND "sampledAt" >= ${from}
    ), runs AS (
      SELECT h.*, t.n - row_number() OVER (PARTITION BY h."objectKey", h."pid", h.bs ORDER BY h."sampledAt") AS island
      FROM held h JOIN ticks t USING ("sampledAt")
    ), recent AS (
      SELECT "objectKey" FROM held GROUP BY "objectKey" ORDER BY max("sampledAt") DESC LIMIT ${q.keys}
    )
    SELECT r."objectKey", max(r.key) AS key, r."pid", r.bs AS "backendStart", max(r.app) AS application, max(r.usr) AS "user",
           min(r."sampledAt") AS "from", max(r."sampledAt") AS "to", count(*)::int AS samples
    FROM runs r JOIN recent USING ("objectKey")
    GROUP BY r."objectKey", r."pid", r.bs, r.island
    ORDER BY r."objectKey", min(r."sampledAt")`;
  const keys = new Map<string, KeyTimeline>();
  for (const s of spans) {
    let k = keys.get(s.objectKey);
    if (!k) keys.set(s.objectKey, (k = { objectKey: s.objectKey, key: s.key ?? s.objectKey, spans: [] }));
    k.spans.push({ pid: s.pid, backendStart: s.backendStart, application: s.application, user: s.user, from: s.from.toISOString(), to: s.to.toISOString(), samples: s.samples });
  }
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    bucketSeconds,
    series: points.map((p) => ({ at: p.at.toISOString(), waiters: p.waiters ?? 0, longestWaitMs: p.longest, locksTotal: p.locks ?? 0, stuck: p.stuck ?? 0 })),
    keys: [...keys.values()],
  };
}
