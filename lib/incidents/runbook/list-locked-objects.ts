import "server-only";
import type { PrismaClient } from "../../store/generated/client";
import type { LockedObject, LockHolder } from "./lock-wait";

type GroupRow = { source: string; sourceId: number; objectKey: string; key: string | null; waiters: number; waitingPids: number[]; matched: boolean; at: Date };
type HolderRow = { sourceId: number; objectKey: string; pid: number; data: Record<string, unknown> };

/**
 * The advisory locks someone waited for around the incident's events, with who held them, from
 * the lock sampler's rows: the ones whose key the events name, or whose waiters are the events'
 * own backends, first; any contended lock of the incident's own server only when `anyContended`.
 */
export async function listLockedObjects(
  prisma: PrismaClient,
  sourceIds: number[],
  w: { from: Date; to: Date },
  keys: string[],
  pids: number[],
  anyContended: boolean,
): Promise<LockedObject[]> {
  const groups = await prisma.$queryRaw<GroupRow[]>`
    SELECT s.name AS source, l."sourceId", l."objectKey", max(l.data->>'key') AS key,
           count(DISTINCT l.pid) FILTER (WHERE NOT l.granted)::int AS waiters,
           coalesce(array_agg(DISTINCT l.pid) FILTER (WHERE NOT l.granted), '{}') AS "waitingPids",
           bool_or(l.data->>'key' = ANY(${keys}::text[]) OR l."objectKey" = ANY(${keys}::text[]) OR (NOT l.granted AND l.pid = ANY(${pids}::int[]))) AS matched,
           max(l."sampledAt") AS at
    FROM "LockSample" l JOIN "Source" s ON s.id = l."sourceId"
    WHERE l."sourceId" = ANY(${sourceIds}::int[]) AND l."lockType" = 'advisory' AND l."sampledAt" BETWEEN ${w.from} AND ${w.to}
    GROUP BY s.name, l."sourceId", l."objectKey"
    HAVING bool_or(l.data->>'key' = ANY(${keys}::text[]) OR l."objectKey" = ANY(${keys}::text[]) OR (NOT l.granted AND l.pid = ANY(${pids}::int[])))
        OR (${anyContended} AND count(*) FILTER (WHERE NOT l.granted) > 0)
    ORDER BY matched DESC, waiters DESC LIMIT 5`;
  if (groups.length === 0) return [];
  const holders = await prisma.$queryRaw<HolderRow[]>`
    SELECT DISTINCT ON (l."sourceId", l."objectKey", l.pid) l."sourceId", l."objectKey", l.pid, l.data
    FROM "LockSample" l
    WHERE l."sourceId" = ANY(${groups.map((g) => g.sourceId)}::int[]) AND l."objectKey" = ANY(${groups.map((g) => g.objectKey)}::text[])
      AND l."lockType" = 'advisory' AND l.granted AND l."sampledAt" BETWEEN ${w.from} AND ${w.to}
    ORDER BY l."sourceId", l."objectKey", l.pid, l."sampledAt" DESC`;
  const s = (v: unknown) => (typeof v === "string" && v ? v : null);
  return groups.map((g) => ({
    label: `advisory ${g.key ?? g.objectKey}`,
    advisoryKey: g.key ?? g.objectKey,
    waiters: g.waiters,
    source: g.source,
    at: g.at.toISOString(),
    holders: holders
      .filter((h) => h.sourceId === g.sourceId && h.objectKey === g.objectKey)
      .map((h): LockHolder => {
        const backend = (h.data.backend ?? {}) as Record<string, unknown>;
        return {
          pid: h.pid,
          application: s(h.data.application),
          user: s(h.data.user),
          state: s(h.data.state),
          query: s(backend.query),
          heldSince: s(h.data.heldSince),
          stuck: s(h.data.stuck),
        };
      }),
  }));
}
