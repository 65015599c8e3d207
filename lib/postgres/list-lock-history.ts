import "server-only";
import { z } from "zod";
import { checkWindow, windowFields } from "../http/time-window";
import { MAX_WINDOW_MS } from "../vocabulary/time-ranges";
import type { PrismaClient } from "../store/generated/client";
import { SUMMARY_LOCK_TYPE } from "./write-lock-samples";

export const LockHistoryQuerySchema = z
  .object({
    minutes: z.coerce
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .default(60),
    keys: z.coerce.number().int().min(1).max(100).default(20),
    /** A custom window (a drag-zoom on the chart); wins over minutes. */
    ...windowFields,
  })
  .superRefine(checkWindow(MAX_WINDOW_MS.lockHistory));
export type LockHistoryQuery = z.infer<typeof LockHistoryQuerySchema>;

export type LockHistoryPoint = { at: string; waiters: number; longestWaitMs: number | null; locksTotal: number; stuck: number };
/**
 * `from`–`to`: the first and last sample that saw the hold. `since`: the earliest moment the
 * samples prove it held (its transaction's start, or an idle session's last statement end),
 * never before the previous sample that did not see it; null when nothing is earlier than `from`.
 */
export type HoldSpan = {
  pid: number;
  backendStart: string | null;
  application: string | null;
  user: string | null;
  from: string;
  to: string;
  since: string | null;
  samples: number;
};
export type KeyTimeline = { objectKey: string; key: string; spans: HoldSpan[] };
export type LockHistory = { from: string; to: string; bucketSeconds: number; series: LockHistoryPoint[]; keys: KeyTimeline[] };

type PointRow = { at: Date; waiters: number; longest: number | null; locks: number; stuck: number };
type SpanRow = {
  objectKey: string;
  key: string | null;
  pid: number;
  backendStart: string | null;
  application: string | null;
  user: string | null;
  from: Date;
  to: Date;
  since: Date | null;
  samples: number;
};

/**
 * Waiters and the longest wait over time (at most ~300 buckets), and for the most recently
 * held advisory keys, who held each one when: consecutive samples of the same backend holding
 * the same key make one span (gaps-and-islands over the sampler's ticks).
 */
export async function listLockHistory(prisma: PrismaClient, sourceId: number, q: LockHistoryQuery, intervalMs: number): Promise<LockHistory> {
  const to = q.from && q.to ? new Date(q.to) : new Date();
  const from = q.from && q.to ? new Date(q.from) : new Date(to.getTime() - q.minutes * 60_000);
  const spanSeconds = (to.getTime() - from.getTime()) / 1000;
  const bucketSeconds = Math.max(Math.round(intervalMs / 1000), Math.ceil(spanSeconds / 300));
  const points = await prisma.$queryRaw<PointRow[]>`
    SELECT to_timestamp(floor(extract(epoch FROM "sampledAt") / ${bucketSeconds}) * ${bucketSeconds}) AS at,
           max(("data"->>'waiters')::int)::int AS waiters, max("waitMs")::int AS longest,
           max(("data"->>'locksTotal')::int)::int AS locks, max(("data"->>'stuck')::int)::int AS stuck
    FROM "LockSample"
    WHERE "sourceId" = ${sourceId} AND "lockType" = ${SUMMARY_LOCK_TYPE} AND "sampledAt" >= ${from} AND "sampledAt" <= ${to}
    GROUP BY 1 ORDER BY 1`;
  const spans = await prisma.$queryRaw<SpanRow[]>`
    WITH held AS (
      SELECT "objectKey", "pid", "sampledAt", "data"->>'key' AS key, "data"->>'backendStart' AS bs,
             "data"->>'application' AS app, "data"->>'user' AS usr, ("data"->>'heldSince')::timestamptz AS held_since
      FROM "LockSample"
      WHERE "sourceId" = ${sourceId} AND "lockType" = 'advisory' AND "granted" AND "sampledAt" >= ${from} AND "sampledAt" <= ${to}
    ), ticks AS (
      SELECT "sampledAt", row_number() OVER (ORDER BY "sampledAt") AS n
      FROM "LockSample" WHERE "sourceId" = ${sourceId} AND "lockType" = ${SUMMARY_LOCK_TYPE} AND "sampledAt" >= ${from} AND "sampledAt" <= ${to}
    ), runs AS (
      SELECT h.*, t.n - row_number() OVER (PARTITION BY h."objectKey", h."pid", h.bs ORDER BY h."sampledAt") AS island
      FROM held h JOIN ticks t USING ("sampledAt")
    ), recent AS (
      SELECT "objectKey" FROM held GROUP BY "objectKey" ORDER BY max("sampledAt") DESC LIMIT ${q.keys}
    ), spans AS (
      SELECT r."objectKey", max(r.key) AS key, r."pid", r.bs AS "backendStart", max(r.app) AS application, max(r.usr) AS "user",
             min(r."sampledAt") AS "from", max(r."sampledAt") AS "to", min(r.held_since) AS held_since, count(*)::int AS samples
      FROM runs r JOIN recent USING ("objectKey")
      GROUP BY r."objectKey", r."pid", r.bs, r.island
    )
    -- The sample just before a span (in this window: one before it may have seen the same hold) did not see it, so it began after.
    SELECT s.*, CASE WHEN s.held_since < s."from" THEN GREATEST(s.held_since, p.at) END AS since
    FROM spans s
    LEFT JOIN LATERAL (
      SELECT max("sampledAt") AS at FROM "LockSample"
      WHERE "sourceId" = ${sourceId} AND "lockType" = ${SUMMARY_LOCK_TYPE} AND "sampledAt" < s."from" AND "sampledAt" >= ${from} AND "sampledAt" <= ${to}
    ) p ON true
    ORDER BY s."objectKey", s."from"`;
  const keys = new Map<string, KeyTimeline>();
  for (const s of spans) {
    let k = keys.get(s.objectKey);
    if (!k) keys.set(s.objectKey, (k = { objectKey: s.objectKey, key: s.key ?? s.objectKey, spans: [] }));
    k.spans.push({
      pid: s.pid,
      backendStart: s.backendStart,
      application: s.application,
      user: s.user,
      from: s.from.toISOString(),
      to: s.to.toISOString(),
      since: s.since?.toISOString() ?? null,
      samples: s.samples,
    });
  }
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    bucketSeconds,
    series: points.map((p) => ({ at: p.at.toISOString(), waiters: p.waiters ?? 0, longestWaitMs: p.longest, locksTotal: p.locks ?? 0, stuck: p.stuck ?? 0 })),
    keys: [...keys.values()],
  };
}
