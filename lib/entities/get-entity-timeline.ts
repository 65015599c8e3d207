import "server-only";
import { decodeCursor, encodeCursor } from "../incidents/cursor";
import type { PrismaClient } from "../store/generated/client";
import { advisoryKeysFor, advisoryMappingFromEnv, objectKeysFor, type AdvisoryMapping } from "./advisory-mapping";
import { ENTITY_ITEM_KINDS, type EntityItemKind, type EntityTimelineQuery } from "./entity-query";
import { timelineEvents, timelineLocks, type Window } from "./timeline-parts";
import { failedWriteIdsFor, timelineActions, timelineFailedWrites, timelineReplays } from "./timeline-writes";
import { KIND_RANK, type DensityBucket, type EntityTimeline, type TimelineItem } from "./timeline-types";

export const DENSITY_CAP = 2_000;
/** Status changes are looked up for the incidents of the entity's latest events. */
const ACTION_INCIDENT_SAMPLE = 200;
const DENSITY_BUCKETS = 60;

const sortKey = (i: TimelineItem) => [Date.parse(i.at), KIND_RANK[i.kind], BigInt(i.id)] as const;
function newestFirst(a: TimelineItem, b: TimelineItem): number {
  const [ta, ra, ia] = sortKey(a);
  const [tb, rb, ib] = sortKey(b);
  return tb - ta || rb - ra || (ib > ia ? 1 : ib < ia ? -1 : 0);
}

/**
 * Everything recorded about one entity, from every source, newest first: its events, the lock
 * samples of the advisory key it maps to, its failed writes, their replay attempts and the audit
 * rows about them. Each kind is read up to `limit` rows older than the cursor, then merged.
 */
export async function getEntityTimeline(
  prisma: PrismaClient,
  type: string,
  key: string,
  q: EntityTimelineQuery,
  mapping: AdvisoryMapping = advisoryMappingFromEnv(),
): Promise<EntityTimeline> {
  const want = new Set<EntityItemKind>(q.include ? (q.include.split(",") as EntityItemKind[]) : ENTITY_ITEM_KINDS);
  const c = q.cursor ? decodeCursor(q.cursor) : null;
  const [iso, rank] = c ? String(c.value).split("|") : [];
  const w: Window = {
    limit: q.limit,
    from: q.from ? new Date(q.from) : undefined,
    to: q.to ? new Date(q.to) : undefined,
    before: c ? { at: new Date(iso), rank: Number(rank), id: BigInt(c.id) } : undefined,
  };
  // Each part starts as soon as what it needs is known: one request costs about two round trips.
  const entityP = prisma.entity.findUnique({ where: { type_value: { type, value: key } } });
  const keysP = advisoryKeysFor(prisma, type, key, mapping);
  const writeIdsP = want.has("failed_write") || want.has("replay") || want.has("action") ? failedWriteIdsFor(prisma, type, key) : Promise.resolve([]);
  const incidentIdsP = entityP.then(async (entity) =>
    entity && want.has("action")
      ? (
          await prisma.$queryRaw<{ id: number }[]>`
          SELECT DISTINCT e."incidentId" AS id FROM (SELECT "eventId", "occurredAt", noise FROM "EventEntity" WHERE "entityId" = ${entity.id} ORDER BY "occurredAt" DESC, "eventId" DESC LIMIT ${ACTION_INCIDENT_SAMPLE}) x
          JOIN "Event" e ON e.id = x."eventId" AND e."occurredAt" = x."occurredAt" AND e.noise = x.noise WHERE e."incidentId" IS NOT NULL`
        ).map((r) => r.id)
      : [],
  );
  const densityP = c ? Promise.resolve(null) : entityP.then((entity) => densityTimes(prisma, entity?.id ?? null));
  // One Promise.all over everything, so no branch can reject unobserved.
  const [parts, entity, keys, times] = await Promise.all([
    Promise.all([
      entityP.then((entity) => (entity && want.has("event") ? timelineEvents(prisma, entity.id, w) : [])),
      want.has("lock") ? keysP.then((keys) => objectKeysFor(prisma, keys)).then((ok) => timelineLocks(prisma, ok, w)) : [],
      want.has("failed_write") ? writeIdsP.then((ids) => timelineFailedWrites(prisma, ids, w)) : [],
      want.has("replay") ? writeIdsP.then((ids) => timelineReplays(prisma, ids, w)) : [],
      want.has("action")
        ? Promise.all([writeIdsP, keysP, incidentIdsP]).then(([failedWriteIds, keys, incidentIds]) =>
            timelineActions(prisma, { failedWriteIds, keys, incidentIds }, w),
          )
        : [],
    ]),
    entityP,
    keysP,
    densityP,
  ]);
  const merged = parts.flat().sort(newestFirst);
  const items = merged.slice(0, q.limit);
  const last = items[items.length - 1];
  const more = merged.length > q.limit || parts.some((p) => p.length === q.limit);
  return {
    type,
    key,
    entity: entity ? { firstSeen: entity.firstSeen.toISOString(), lastSeen: entity.lastSeen.toISOString() } : null,
    advisoryKeys: keys.map((k) => ({ label: k.label, via: k.via })),
    items,
    nextCursor: more && last ? encodeCursor(`${last.at}|${KIND_RANK[last.kind]}`, last.id) : null,
    density: times ? density(times, merged, w) : null,
  };
}

/** Times of the entity's latest DENSITY_CAP events (the link index's order). */
async function densityTimes(prisma: PrismaClient, entityId: number | null): Promise<number[]> {
  if (entityId === null) return [];
  const rows = await prisma.$queryRaw<{ t: number }[]>`
    SELECT (extract(epoch FROM e."occurredAt") * 1000)::float8 AS t
    FROM (SELECT "eventId", "occurredAt", noise FROM "EventEntity" WHERE "entityId" = ${entityId} ORDER BY "occurredAt" DESC, "eventId" DESC LIMIT ${DENSITY_CAP}) x
    JOIN "Event" e ON e.id = x."eventId" AND e."occurredAt" = x."occurredAt" AND e.noise = x.noise`;
  return rows.map((r) => r.t);
}

/** Counts per bucket: the sampled event times, plus the other kinds on this page. */
function density(times: number[], others: TimelineItem[], w: Window): EntityTimeline["density"] {
  const otherTimes = others.filter((i) => i.kind !== "event").map((i) => Date.parse(i.at));
  const all = [...times, ...otherTimes];
  if (all.length === 0) return { bucketMs: 60_000, buckets: [], capped: false };
  let min = w.from?.getTime() ?? Infinity;
  let max = w.to?.getTime() ?? -Infinity;
  if (!w.from) for (const t of all) if (t < min) min = t;
  if (!w.to) for (const t of all) if (t > max) max = t;
  const bucketMs = Math.max(1_000, Math.ceil((max - min + 1) / DENSITY_BUCKETS / 1000) * 1000);
  const start = Math.floor(min / bucketMs) * bucketMs;
  const n = Math.floor((max - start) / bucketMs) + 1;
  const buckets: DensityBucket[] = Array.from({ length: n }, (_, i) => ({ t: start + i * bucketMs, events: 0, other: 0 }));
  const at = (t: number) => buckets[Math.floor((t - start) / bucketMs)];
  for (const t of times) if (t >= min && t <= max) at(t)!.events++;
  for (const t of otherTimes) if (t >= min && t <= max) at(t)!.other++;
  return { bucketMs, buckets, capped: times.length >= DENSITY_CAP };
}
