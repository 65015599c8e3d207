import "server-only";
import type { PrismaClient } from "./generated/client";
import { EVENT_CLASSES, retentionFromEnv, type EventClass } from "./event-partitions";

export type EventStorage = {
  /** The whole store database, and the part that is events and their links (every partition). */
  databaseBytes: number;
  eventBytes: number;
  /** Exact below a million, else the planner's estimate (pg_class.reltuples). */
  events: number;
  estimated: boolean;
  bytesPerEvent: number | null;
  classes: {
    class: EventClass;
    retentionDays: number;
    /** The oldest event still kept, and the first day kept since a drop (null when nothing was ever dropped). */
    oldestEvent: string | null;
    keptFrom: string | null;
    dayPartitions: number;
    droppedPartitions: number;
    lastRunAt: string | null;
  }[];
};

const EXACT_BELOW = 1_000_000;

type LeafRow = { parent: string; leaf: string; bytes: bigint; estimate: number; day: boolean };

/** The store's size and how far back events go, per class (Settings, and GET /api/health for an admin). */
export async function getEventStorage(prisma: PrismaClient): Promise<EventStorage> {
  const [leaves, [db], state] = await Promise.all([
    prisma.$queryRaw<LeafRow[]>`
      SELECT p.relname AS parent, c.relname AS leaf, pg_total_relation_size(c.oid) AS bytes, c.reltuples::float8 AS estimate,
             c.relname ~ '_p[0-9]{8}$' AS day
      FROM pg_partition_tree('"Event"') t1 JOIN pg_class c ON c.oid = t1.relid JOIN pg_class p ON p.oid = t1.parentrelid
      WHERE t1.isleaf
      UNION ALL
      SELECT p.relname, c.relname, pg_total_relation_size(c.oid), c.reltuples::float8, c.relname ~ '_p[0-9]{8}$'
      FROM pg_partition_tree('"EventEntity"') t2 JOIN pg_class c ON c.oid = t2.relid JOIN pg_class p ON p.oid = t2.parentrelid
      WHERE t2.isleaf`,
    prisma.$queryRaw<{ bytes: bigint }[]>`SELECT pg_database_size(current_database()) AS bytes`,
    prisma.eventRetention.findMany(),
  ]);
  const eventLeaves = leaves.filter((l) => l.parent.startsWith("Event_"));
  let events = eventLeaves.reduce((n, l) => n + Math.max(0, l.estimate), 0);
  const estimated = events >= EXACT_BELOW;
  if (!estimated) events = Number((await prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "Event"`)[0].n);
  const eventBytes = leaves.reduce((n, l) => n + Number(l.bytes), 0);
  const retention = retentionFromEnv();
  const classes = await Promise.all(
    EVENT_CLASSES.map(async (cls) => {
      const [oldest] = await prisma.$queryRaw<{ t: Date | null }[]>`SELECT min("occurredAt") AS t FROM "Event" WHERE noise = ${cls === "noise"}`;
      const row = state.find((s) => s.class === cls);
      return {
        class: cls,
        retentionDays: retention[cls],
        oldestEvent: oldest?.t?.toISOString() ?? null,
        keptFrom: row?.keptFrom?.toISOString() ?? null,
        dayPartitions: eventLeaves.filter((l) => l.parent === `Event_${cls}` && l.day).length,
        droppedPartitions: row?.droppedPartitions ?? 0,
        lastRunAt: row?.lastRunAt?.toISOString() ?? null,
      };
    }),
  );
  return { databaseBytes: Number(db.bytes), eventBytes, events, estimated, bytesPerEvent: events > 0 ? Math.round(eventBytes / events) : null, classes };
}

/** When the incident began before the first day still kept: its counts are whole, its oldest events gone. */
export async function getEventsGoneBefore(prisma: PrismaClient, firstSeen: Date): Promise<{ keptFrom: string; days: number } | null> {
  const row = await prisma.eventRetention.findUnique({ where: { class: "signal" } });
  if (!row?.keptFrom || firstSeen >= row.keptFrom) return null;
  return { keptFrom: row.keptFrom.toISOString(), days: row.days };
}

const STORAGE_CACHE_MS = 10_000;
const g = globalThis as unknown as { lockboardStorage?: { at: number; value: Promise<EventStorage> } };

/** getEventStorage shared for 10 s: a burst of admin health checks reads the catalog once. */
export function getEventStorageCached(prisma: PrismaClient): Promise<EventStorage> {
  const hit = g.lockboardStorage;
  if (hit && Date.now() - hit.at <= STORAGE_CACHE_MS) return hit.value;
  const value = getEventStorage(prisma);
  g.lockboardStorage = { at: Date.now(), value };
  value.catch(() => {
    if (g.lockboardStorage?.value === value) g.lockboardStorage = undefined;
  });
  return value;
}
