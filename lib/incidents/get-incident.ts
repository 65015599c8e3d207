import "server-only";
import { keyMatchSql } from "../entities/timeline-parts";
import { Prisma, type PrismaClient } from "../store/generated/client";
import { DETAIL_RANGES, type DetailRange } from "./incident-query";
import { runbookFor, type Runbook } from "./runbooks";
import { getSpikeContext } from "./spike-context";
import { toSummary, type IncidentSummary } from "./list-incidents";

const HISTOGRAM_BUCKETS = 60;
/** "Most affected" entities are counted over the incident's latest events, so a huge incident stays fast. */
export const ENTITY_SAMPLE = 1_000;

export type IncidentDetail = {
  incident: Omit<IncidentSummary, "spark"> & { fingerprint: string };
  histogram: { from: string; to: string; bucketMs: number; points: { t: number; count: number }[] };
  spike: { at: string; count: number } | null;
  context: Awaited<ReturnType<typeof getSpikeContext>> | null;
  entities: { type: string; value: string; events: number }[];
  entitiesSampled: number;
  failedWrites: { id: number; source: string; namespace: string; operation: string; key: Record<string, unknown>; status: string; errorKind: string; occurredAt: string }[];
  runbook: Runbook;
};

export async function getIncident(prisma: PrismaClient, id: number, range: DetailRange, now = new Date()): Promise<IncidentDetail | null> {
  const [row] = await prisma.$queryRaw<(Parameters<typeof toSummary>[0] & { fingerprint: string })[]>`
    SELECT i.id, i.kind, i.title, s.name AS source, i.count, i.status, i.regression, i."statusChangedBy", i."statusChangedAt",
           i."firstSeen", i."lastSeen", i.fingerprint,
           coalesce((SELECT sum(m.count) FROM "IncidentMinute" m WHERE m."incidentId" = i.id AND m.minute >= ${new Date(now.getTime() - 3_600_000)}), 0)::int AS rate
    FROM "Incident" i LEFT JOIN "Source" s ON s.id = i."sourceId" WHERE i.id = ${id}`;
  if (!row) return null;

  // The window ends now while the incident is live, else just after it was last seen.
  const span = DETAIL_RANGES[range] || Math.max(60_000, row.lastSeen.getTime() - row.firstSeen.getTime());
  const live = row.lastSeen.getTime() > now.getTime() - span;
  const to = range === "all" ? new Date(row.lastSeen.getTime() + span * 0.02 + 60_000) : live ? now : new Date(row.lastSeen.getTime() + span * 0.05);
  const from = range === "all" ? new Date(row.firstSeen.getTime() - 60_000) : new Date(to.getTime() - span);
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
      FROM (SELECT id FROM "Event" WHERE "incidentId" = ${id} ORDER BY "occurredAt" DESC LIMIT ${ENTITY_SAMPLE}) e
      JOIN "EventEntity" ee ON ee."eventId" = e.id JOIN "Entity" en ON en.id = ee."entityId"
      GROUP BY en.type, en.value ORDER BY events DESC, en.type, en.value LIMIT 30`,
  ]);
  const n = Math.floor((to.getTime() - start) / bucketMs) + 1;
  const points = Array.from({ length: n }, (_, i) => ({ t: start + i * bucketMs, count: 0 }));
  for (const m of minutes) if (points[m.b]) points[m.b].count += m.n;
  const busiest = minutes.reduce<(typeof minutes)[number] | null>((best, m) => (!best || m.peak > best.peak || (m.peak === best.peak && m.peakAt > best.peakAt) ? m : best), null);

  // Stuck-lock incidents have no per-minute counts: their spike is when they were last seen.
  const spikeAt = busiest?.peakAt ?? (row.kind === "advisory_lock_stuck" ? row.lastSeen : null);
  const spike = spikeAt ? { at: spikeAt.toISOString(), count: busiest?.peak ?? row.count } : null;

  const [context, failedWrites] = await Promise.all([spike ? getSpikeContext(prisma, new Date(spike.at)) : null, relatedFailedWrites(prisma, entities, row.firstSeen, row.lastSeen)]);
  const { fingerprint, ...summary } = row;
  return {
    incident: { ...toSummary(summary), fingerprint },
    histogram: { from: new Date(start).toISOString(), to: to.toISOString(), bucketMs, points },
    spike,
    context,
    entities,
    entitiesSampled: Math.min(row.count, ENTITY_SAMPLE),
    failedWrites,
    runbook: runbookFor(row.kind),
  };
}

/** Failed writes keyed by one of the incident's entities, captured while it was going on (± 10 min). */
async function relatedFailedWrites(prisma: PrismaClient, entities: { type: string; value: string }[], first: Date, last: Date): Promise<IncidentDetail["failedWrites"]> {
  const keyed = entities.filter((e) => !["collection", "index", "relation", "pid", "advisory_lock"].includes(e.type)).slice(0, 20);
  if (keyed.length === 0) return [];
  const rows = await prisma.$queryRaw<{ id: number; source: string; namespace: string; operation: string; key: Record<string, unknown>; status: string; errorKind: string; occurredAt: Date }[]>`
    SELECT w.id, s.name AS source, w.namespace, w.operation, w."idempotencyKey" AS key, w.status, w."errorKind", w."occurredAt"
    FROM "FailedWrite" w JOIN "Source" s ON s.id = w."sourceId"
    WHERE (${Prisma.join(keyed.map((e) => keyMatchSql(Prisma.sql`w."idempotencyKey"`, e.type, e.value)), " OR ")})
      AND w."occurredAt" BETWEEN ${new Date(first.getTime() - 600_000)} AND ${new Date(last.getTime() + 600_000)}
    ORDER BY w."occurredAt" DESC LIMIT 20`;
  return rows.map((r) => ({ ...r, occurredAt: r.occurredAt.toISOString() }));
}
