import "server-only";
import { z } from "zod";
import { entitiesForAdvisoryKeys, type KeyEntity } from "../entities/advisory-key-cache";
import type { PrismaClient } from "../store/generated/client";

export const HolderImpactQuerySchema = z.object({
  /** The longer window; the shorter one is a third of it (5 / 15 min by default). */
  minutes: z.coerce
    .number()
    .int()
    .min(3)
    .max(24 * 60)
    .default(15),
});

/** What a holder or a key did over a window, from the samples and the lock events naming it. */
export type ImpactWindow = { minutes: number; waiters: number; waits: number; longestWaitMs: number | null; events: number };
export type HolderImpact = { pid: number; windows: ImpactWindow[] };
export type KeyImpact = { objectKey: string; key: string; entities: KeyEntity[]; windows: ImpactWindow[] };
export type LockImpact = { minutes: number[]; holders: HolderImpact[]; keys: KeyImpact[] };

export const LOCK_EVENT_KINDS = ["lock_timeout", "lock_wait"];
const MAX_KEYS = 200;

type SampleRow = { id: string; w: number; waiters: number; waits: number; longest: number | null };
type KeyRow = { objectKey: string; key: string | null };
type EventRow = { type: string; value: string; w: number; n: number; longest: number | null };

/**
 * Waiters arrive and give up between two samples, so the live snapshot often shows a holder
 * blocking nobody while it blocks a retry storm: per holder pid and per advisory key, the
 * distinct waiting sessions and waits the samples saw over the last minutes, the longest wait,
 * and the lock_wait/lock_timeout events naming that key (its entities) or that holder.
 */
export async function listHolderImpact(prisma: PrismaClient, sourceId: number, minutes: number, now = new Date()): Promise<LockImpact> {
  const wins = [Math.max(1, Math.round(minutes / 3)), minutes];
  const since = (m: number) => new Date(now.getTime() - m * 60_000);
  const [byHolder, byKey, keyRows] = await Promise.all([
    prisma.$queryRaw<SampleRow[]>`
      SELECT b.pid::text AS id, w.m AS w, count(DISTINCT s.pid)::int AS waiters, count(DISTINCT (s.pid, s."sampledAt"))::int AS waits, max(s."waitMs")::int AS longest
      FROM "LockSample" s CROSS JOIN LATERAL unnest(s."blockingPids") AS b(pid)
      JOIN unnest(${wins}::int[]) AS w(m) ON s."sampledAt" >= ${now}::timestamptz - make_interval(mins => w.m)
      WHERE s."sourceId" = ${sourceId} AND NOT s.granted AND s."lockType" <> 'summary' AND s."sampledAt" >= ${since(minutes)}
      GROUP BY b.pid, w.m`,
    prisma.$queryRaw<SampleRow[]>`
      SELECT s."objectKey" AS id, w.m AS w, count(DISTINCT s.pid)::int AS waiters, count(DISTINCT (s.pid, s."sampledAt"))::int AS waits, max(s."waitMs")::int AS longest
      FROM "LockSample" s JOIN unnest(${wins}::int[]) AS w(m) ON s."sampledAt" >= ${now}::timestamptz - make_interval(mins => w.m)
      WHERE s."sourceId" = ${sourceId} AND s."lockType" = 'advisory' AND NOT s.granted AND s."sampledAt" >= ${since(minutes)}
      GROUP BY s."objectKey", w.m`,
    prisma.$queryRaw<KeyRow[]>`
      SELECT "objectKey", max("data"->>'key') AS key FROM "LockSample"
      WHERE "sourceId" = ${sourceId} AND "lockType" = 'advisory' AND "sampledAt" >= ${since(minutes)}
      GROUP BY "objectKey" ORDER BY max("sampledAt") DESC LIMIT ${MAX_KEYS}`,
  ]);
  const labels = keyRows.map((k) => k.key ?? k.objectKey);
  const entities = await entitiesForAdvisoryKeys(prisma, labels);
  const named = (label: string) => [{ type: "advisory_lock", value: label.replace(/^\((-?\d+), (-?\d+)\)$/, "$1,$2") }, ...(entities.get(label) ?? [])];
  const holderPids = [...new Set(byHolder.map((r) => r.id))];
  const wanted = [...keyRows.flatMap((k) => named(k.key ?? k.objectKey)), ...holderPids.map((p) => ({ type: "pid", value: p }))];
  const events = await countLockEvents(prisma, sourceId, wanted, wins, now);
  const ev = new Map(events.map((e) => [`${e.type}\u0000${e.value}\u0000${e.w}`, e]));
  const evFor = (list: { type: string; value: string }[], m: number) =>
    list.reduce(
      (acc, e) => {
        const r = ev.get(`${e.type}\u0000${e.value}\u0000${m}`);
        return r ? { n: acc.n + r.n, longest: Math.max(acc.longest ?? 0, r.longest ?? 0) || acc.longest } : acc;
      },
      { n: 0, longest: null as number | null },
    );
  const windowsOf = (rows: SampleRow[], id: string, names: { type: string; value: string }[]): ImpactWindow[] =>
    wins.map((m) => {
      const s = rows.find((r) => r.id === id && r.w === m);
      const e = evFor(names, m);
      const longest = Math.max(s?.longest ?? 0, e.longest ?? 0);
      return { minutes: m, waiters: s?.waiters ?? 0, waits: s?.waits ?? 0, longestWaitMs: longest > 0 ? longest : null, events: e.n };
    });
  return {
    minutes: wins,
    holders: holderPids.map((p) => ({ pid: Number(p), windows: windowsOf(byHolder, p, [{ type: "pid", value: p }]) })),
    keys: keyRows.map((k) => {
      const label = k.key ?? k.objectKey;
      return { objectKey: k.objectKey, key: label, entities: entities.get(label) ?? [], windows: windowsOf(byKey, k.objectKey, named(label)) };
    }),
  };
}

/**
 * lock_wait/lock_timeout events per entity and window. A pid names the holder only where the
 * log said so (`Process holding the lock`), and only events of this source count for a pid.
 * The wait is read from the message (`after 1000.1 ms`, `waited 200ms`) where it says.
 */
async function countLockEvents(
  prisma: PrismaClient,
  sourceId: number,
  wanted: { type: string; value: string }[],
  wins: number[],
  now: Date,
): Promise<EventRow[]> {
  if (wanted.length === 0) return [];
  return prisma.$queryRaw<EventRow[]>`
    SELECT en.type, en.value, w.m AS w, count(*)::int AS n,
           max(coalesce(substring(e.message FROM 'after ([0-9]+(?:[.][0-9]+)?) ms'), substring(e.message FROM 'waited ([0-9]+(?:[.][0-9]+)?) ?ms'))::float)::int AS longest
    FROM unnest(${wanted.map((e) => e.type)}::text[], ${wanted.map((e) => e.value)}::text[]) AS q(type, value)
    JOIN "Entity" en ON en.type = q.type AND en.value = q.value
    JOIN "EventEntity" ee ON ee."entityId" = en.id AND (en.type <> 'pid' OR ee.role = 'holder')
      AND ee."occurredAt" >= ${new Date(now.getTime() - Math.max(...wins) * 60_000)} AND ee."occurredAt" <= ${now}
    JOIN "Event" e ON ee."eventId" = e.id AND ee."occurredAt" = e."occurredAt" AND ee.noise = e.noise
    JOIN unnest(${wins}::int[]) AS w(m) ON e."occurredAt" >= ${now}::timestamptz - make_interval(mins => w.m)
    WHERE e.kind = ANY(${LOCK_EVENT_KINDS}::text[]) AND e."occurredAt" >= ${new Date(now.getTime() - Math.max(...wins) * 60_000)} AND e."occurredAt" <= ${now}
      AND (en.type <> 'pid' OR e."sourceId" = ${sourceId})
    GROUP BY en.type, en.value, w.m`;
}
