import "server-only";
import { keyMatchSql } from "../entities/timeline-parts";
import { Prisma, type PrismaClient } from "../store/generated/client";
import { fitRange, INCIDENT_FIT_RANGES, RANGE_MS, type IncidentDetailRange } from "../vocabulary/time-ranges";
import type { IncidentDetailQuery } from "./incident-query";
import { getSpikeContext, LOCK_CONTEXT_KINDS, type SpikeSubject } from "./spike-context";
import { toSummary, type IncidentSummary } from "./list-incidents";
import { ADVISORY_LOCK_STUCK } from "../postgres/stuck-incident";
import { getStuckLockDetail, type StuckLockDetail } from "./stuck-lock-detail";
import { getEventsGoneBefore } from "../store/get-event-storage";

const HISTOGRAM_BUCKETS = 60;
/** "Most affected" entities are counted over the incident's latest events, so a huge incident stays fast. */
export const ENTITY_SAMPLE = 1_000;

export type IncidentDetail = {
  incident: Omit<IncidentSummary, "spark"> & { fingerprint: string };
  /** `range`: the preset drawn (asked for, or fitted to the incident's age), null for a custom window. */
  histogram: { from: string; to: string; bucketMs: number; range: IncidentDetailRange | null; fitted: boolean; points: { t: number; count: number }[] };
  spike: { at: string; count: number } | null;
  context: Awaited<ReturnType<typeof getSpikeContext>> | null;
  entities: { type: string; value: string; events: number }[];
  entitiesSampled: number;
  failedWrites: {
    id: number;
    source: string;
    namespace: string;
    operation: string;
    key: Record<string, unknown>;
    status: string;
    errorKind: string;
    occurredAt: string;
  }[];
  /** Stuck advisory lock incidents only: the lock, its holder, entities, related incidents and how it ended. */
  stuckLock: StuckLockDetail | null;
  /** Set when the incident began before the first day still kept: its counts and minutes are whole, its events before `keptFrom` gone. */
  eventsGone: { keptFrom: string; days: number } | null;
};

export async function getIncident(prisma: PrismaClient, id: number, q: IncidentDetailQuery = {}, now = new Date()): Promise<IncidentDetail | null> {
  const [row] = await prisma.$queryRaw<(Parameters<typeof toSummary>[0] & { fingerprint: string; sourceId: number | null })[]>`
    SELECT i.id, i."sourceId", i.kind, i.title, i.subject, s.name AS source, i.count, i.status, i.regression, i."statusChangedBy", i."statusChangedAt",
           i."firstSeen", i."lastSeen", i.fingerprint,
           coalesce((SELECT sum(m.count) FROM "IncidentMinute" m WHERE m."incidentId" = i.id AND m.minute >= ${new Date(now.getTime() - 3_600_000)}), 0)::int AS rate
    FROM "Incident" i LEFT JOIN "Source" s ON s.id = i."sourceId" WHERE i.id = ${id}`;
  if (!row) return null;

  const { from, to, range, fitted } = histogramWindow(q, row, now);
  const bucketMs = Math.max(60_000, Math.ceil((to.getTime() - from.getTime()) / HISTOGRAM_BUCKETS / 60_000) * 60_000);
  const start = Math.floor(from.getTime() / bucketMs) * bucketMs;

  // One pass over IncidentMinute gives the histogram and, per bucket, its busiest minute (the spike).
  const [minutes, entities] = await Promise.all([
    prisma.$queryRaw<{ b: number; n: number; peak: number; peakAt: Date }[]>`
      SELECT floor((extract(epoch FROM minute) * 1000 - ${start}) / ${bucketMs})::int AS b, sum(count)::int AS n,
             max(count)::int AS peak, (array_agg(minute ORDER BY count DESC, minute DESC))[1] AS "peakAt"
      FROM "IncidentMinute" WHERE "incidentId" = ${id} AND minute >= ${new Date(start)} AND minute <= ${to}
      GROUP BY 1 ORDER BY 1`,
    prisma.$queryRaw<{ type: string; value: string; events: number }[]>`
      SELECT en.type, en.value, count(*)::int AS events
      FROM (SELECT id, "occurredAt", noise FROM "Event" WHERE "incidentId" = ${id} ORDER BY "occurredAt" DESC LIMIT ${ENTITY_SAMPLE}) e
      JOIN "EventEntity" ee ON ee."eventId" = e.id AND ee."occurredAt" = e."occurredAt" AND ee.noise = e.noise JOIN "Entity" en ON en.id = ee."entityId"
      GROUP BY en.type, en.value ORDER BY events DESC, en.type, en.value LIMIT 30`,
  ]);
  const n = Math.floor((to.getTime() - start) / bucketMs) + 1;
  const points = Array.from({ length: n }, (_, i) => ({ t: start + i * bucketMs, count: 0 }));
  for (const m of minutes) if (points[m.b]) points[m.b].count += m.n;
  const busiest = minutes.reduce<(typeof minutes)[number] | null>(
    (best, m) => (!best || m.peak > best.peak || (m.peak === best.peak && m.peakAt > best.peakAt) ? m : best),
    null,
  );

  const spike = busiest ? { at: busiest.peakAt.toISOString(), count: busiest.peak } : null;

  const [context, failedWrites, stuckLock, eventsGone] = await Promise.all([
    spike ? getSpikeContext(prisma, new Date(spike.at), spikeSubject(row, entities)) : null,
    relatedFailedWrites(prisma, entities, row.firstSeen, row.lastSeen),
    row.kind === ADVISORY_LOCK_STUCK ? getStuckLockDetail(prisma, row, now) : null,
    getEventsGoneBefore(prisma, row.firstSeen),
  ]);
  const { fingerprint, sourceId: _sourceId, ...summary } = row;
  return {
    incident: { ...toSummary(summary), fingerprint },
    histogram: { from: new Date(start).toISOString(), to: to.toISOString(), bucketMs, range, fitted, points },
    spike,
    context,
    entities,
    entitiesSampled: Math.min(row.count, ENTITY_SAMPLE),
    failedWrites,
    stuckLock,
    eventsGone,
  };
}

/**
 * The histogram's window: a custom one as asked; else a preset (asked for, or the incident's age
 * since it was first seen rounded up to 1h/6h/24h/7d, its whole life when older). A preset ends
 * now while the incident is live, else just after it was last seen.
 */
export function histogramWindow(
  q: IncidentDetailQuery,
  row: { firstSeen: Date; lastSeen: Date },
  now: Date,
): { from: Date; to: Date; range: IncidentDetailRange | null; fitted: boolean } {
  if (q.from && q.to) return { from: new Date(q.from), to: new Date(q.to), range: null, fitted: false };
  const range: IncidentDetailRange = q.range ?? fitRange(INCIDENT_FIT_RANGES, now.getTime() - row.firstSeen.getTime()) ?? "all";
  const span = RANGE_MS[range] || Math.max(60_000, row.lastSeen.getTime() - row.firstSeen.getTime());
  const live = row.lastSeen.getTime() > now.getTime() - span;
  const to = range === "all" ? new Date(row.lastSeen.getTime() + span * 0.02 + 60_000) : live ? now : new Date(row.lastSeen.getTime() + span * 0.05);
  const from = range === "all" ? new Date(row.firstSeen.getTime() - 60_000) : new Date(to.getTime() - span);
  return { from, to, range, fitted: !q.range };
}

/** Failed writes keyed by one of the incident's entities, captured while it was going on (± 10 min). */
async function relatedFailedWrites(
  prisma: PrismaClient,
  entities: { type: string; value: string }[],
  first: Date,
  last: Date,
): Promise<IncidentDetail["failedWrites"]> {
  const keyed = entities.filter((e) => !["collection", "index", "relation", "pid", "advisory_lock"].includes(e.type)).slice(0, 20);
  if (keyed.length === 0) return [];
  const rows = await prisma.$queryRaw<
    { id: number; source: string; namespace: string; operation: string; key: Record<string, unknown>; status: string; errorKind: string; occurredAt: Date }[]
  >`
    SELECT w.id, s.name AS source, w.namespace, w.operation, w."idempotencyKey" AS key, w.status, w."errorKind", w."occurredAt"
    FROM "FailedWrite" w JOIN "Source" s ON s.id = w."sourceId"
    WHERE (${Prisma.join(
      keyed.map((e) => keyMatchSql(Prisma.sql`w."idempotencyKey"`, e.type, e.value)),
      " OR ",
    )})
      AND w."occurredAt" BETWEEN ${new Date(first.getTime() - 600_000)} AND ${new Date(last.getTime() + 600_000)}
    ORDER BY w."occurredAt" DESC LIMIT 20`;
  return rows.map((r) => ({ ...r, occurredAt: r.occurredAt.toISOString() }));
}

/** What the spike's context is sorted against: the source, whether the incident is about locks, the advisory keys it names. */
function spikeSubject(
  row: { sourceId: number | null; kind: string; title: string; subject: string | null },
  entities: { type: string; value: string }[],
): SpikeSubject {
  const keys = new Set(entities.filter((e) => e.type === "advisory_lock").map((e) => e.value));
  const fromText =
    /^advisory lock (\S+)$/.exec(row.subject ?? "")?.[1] ?? (row.kind === ADVISORY_LOCK_STUCK ? /^Advisory lock (\S+)/.exec(row.title)?.[1] : undefined);
  if (fromText) keys.add(fromText);
  return { sourceId: row.sourceId, lockKind: LOCK_CONTEXT_KINDS.has(row.kind), advisoryKeys: [...keys] };
}
