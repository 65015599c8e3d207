import "server-only";
import { SUMMARY_LOCK_TYPE } from "../postgres/write-lock-samples";
import { listSources } from "../sources/source-registry";
import type { PrismaClient } from "../store/generated/client";
import { relationTo, type Relation } from "./related-sources";

/** ± this much around the spike: a sampler every few seconds leaves dozens of rows in it. */
export const SPIKE_WINDOW_MS = 5 * 60_000;

export type LockPicture = {
  source: string;
  samples: number;
  maxWaiters: number;
  longestWaitMs: number | null;
  maxStuck: number;
  maxLocks: number;
  /** Advisory keys someone waited for near the spike, most waiters first; `related` when the incident is about locks or names the key. */
  contendedKeys: { key: string; waiters: number; holders: number[]; applications: string[]; stuck: boolean; related: boolean }[];
} & Relation;
export type CapacityPicture = { source: string; metric: string; max: number; limit: number | null; saturation: number | null; samples: number } & Relation;

/** What the context is sorted against: the incident's source, whether it is about locks, the advisory keys it names. */
export type SpikeSubject = { sourceId: number | null; lockKind: boolean; advisoryKeys: string[] };

/** Incidents for which every lock on their server is context (for the others, only the locks they name). */
export const LOCK_CONTEXT_KINDS = new Set([
  "lock_timeout",
  "lock_wait",
  "advisory_lock_stuck",
  "deadlock",
  "statement_timeout",
  "serialization_failure",
  "too_many_connections",
  "pool_timeout",
]);

type SummaryRow = { source: string; samples: number; waiters: number | null; longest: number | null; stuck: number | null; locks: number | null };
type KeyRow = { source: string; key: string; waiters: number; holders: number[]; applications: string[]; stuck: boolean };

/**
 * LockSample and CapacitySample rows within SPIKE_WINDOW_MS of `at`, summed up per source, each
 * marked related (the incident's own server or process) or not (only "also at that time").
 */
export async function getSpikeContext(
  prisma: PrismaClient,
  at: Date,
  about: SpikeSubject = { sourceId: null, lockKind: false, advisoryKeys: [] },
): Promise<{ from: string; to: string; locks: LockPicture[]; capacity: CapacityPicture[] }> {
  const from = new Date(at.getTime() - SPIKE_WINDOW_MS);
  const to = new Date(at.getTime() + SPIKE_WINDOW_MS);
  const [summary, keys, capacity, sources] = await Promise.all([
    prisma.$queryRaw<SummaryRow[]>`
      SELECT s.name AS source, count(*)::int AS samples, max((l.data->>'waiters')::int)::int AS waiters, max(l."waitMs")::int AS longest,
             max((l.data->>'stuck')::int)::int AS stuck, max((l.data->>'locksTotal')::int)::int AS locks
      FROM "LockSample" l JOIN "Source" s ON s.id = l."sourceId"
      WHERE l."lockType" = ${SUMMARY_LOCK_TYPE} AND l."sampledAt" BETWEEN ${from} AND ${to}
        AND l."sourceId" IN (SELECT id FROM "Source" WHERE kind = 'postgres')
      GROUP BY s.name ORDER BY s.name`,
    prisma.$queryRaw<KeyRow[]>`
      SELECT s.name AS source, coalesce(max(l.data->>'key'), l."objectKey") AS key,
             count(DISTINCT l.pid) FILTER (WHERE NOT l.granted)::int AS waiters,
             coalesce(array_agg(DISTINCT l.pid) FILTER (WHERE l.granted), '{}') AS holders,
             coalesce(array_agg(DISTINCT l.data->>'application') FILTER (WHERE l.granted AND l.data->>'application' IS NOT NULL), '{}') AS applications,
             coalesce(bool_or(l.data->>'stuck' IS NOT NULL), false) AS stuck
      FROM "LockSample" l JOIN "Source" s ON s.id = l."sourceId"
      WHERE l."lockType" = 'advisory' AND l."sampledAt" BETWEEN ${from} AND ${to}
        AND l."sourceId" IN (SELECT id FROM "Source" WHERE kind = 'postgres')
      GROUP BY s.name, l."objectKey"
      HAVING count(*) FILTER (WHERE NOT l.granted) > 0
      ORDER BY waiters DESC LIMIT 10`,
    prisma.$queryRaw<{ source: string; metric: string; max: number; limit: number | null; samples: number }[]>`
      SELECT s.name AS source, c.metric, max(c.value) AS max, max(c."limit") AS "limit", count(*)::int AS samples
      FROM "CapacitySample" c JOIN "Source" s ON s.id = c."sourceId"
      WHERE c."sampledAt" BETWEEN ${from} AND ${to}
      GROUP BY s.name, c.metric ORDER BY s.name, c.metric`,
    listSources(prisma),
  ]);
  const own = sources.find((s) => s.id === about.sourceId) ?? null;
  const relation = new Map(sources.map((s) => [s.name, relationTo(own, s)]));
  const rel = (name: string): Relation => relation.get(name) ?? { related: false, why: "another source" };
  const named = new Set(about.advisoryKeys);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    locks: summary.map((s) => {
      const r = rel(s.source);
      const contendedKeys = keys
        .filter((k) => k.source === s.source)
        .map((k) => ({
          key: k.key,
          waiters: k.waiters,
          holders: k.holders,
          applications: k.applications,
          stuck: k.stuck,
          related: named.has(k.key) || (r.related && about.lockKind),
        }));
      // A server the incident is not on is still its context when it holds the lock the incident names.
      const viaKey = !r.related && contendedKeys.some((k) => k.related);
      return {
        ...(viaKey ? { related: true, why: "holds the lock this incident names" } : r),
        source: s.source,
        samples: s.samples,
        maxWaiters: s.waiters ?? 0,
        longestWaitMs: s.longest,
        maxStuck: s.stuck ?? 0,
        maxLocks: s.locks ?? 0,
        contendedKeys,
      };
    }),
    capacity: capacity.map((c) => ({ ...c, saturation: c.limit ? c.max / c.limit : null, ...rel(c.source) })),
  };
}
