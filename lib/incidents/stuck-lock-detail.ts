import "server-only";
import { entitiesForAdvisoryKeys, type KeyEntity } from "../entities/advisory-key-cache";
import { listHolderImpact, LOCK_EVENT_KINDS, type ImpactWindow } from "../postgres/list-holder-impact";
import type { LockTarget } from "../postgres/lock-model";
import { objectKeyOfStuckFingerprint } from "../postgres/stuck-incident";
import type { PrismaClient } from "../store/generated/client";

export type RelatedIncident = {
  id: number;
  kind: string;
  title: string;
  subject: string | null;
  source: string | null;
  count: number;
  status: string;
  lastSeen: string;
  via: string;
  events: number;
};

/** What the page of a stuck-lock incident shows about its lock: who held it, its entities, what it caused, how it ended. */
export type StuckLockDetail = {
  source: string | null;
  objectKey: string;
  key: string;
  lock: LockTarget | null;
  holders: { pid: number; backendStart: string | null; application: string | null; user: string | null; state: string | null }[];
  lastSampledAt: string | null;
  entities: KeyEntity[];
  impact: ImpactWindow[];
  resolution: { at: string; by: string; reason: string | null; auditId: number; releaseAuditId: number | null } | null;
  related: RelatedIncident[];
};

type Row = { sourceId: number | null; source: string | null; fingerprint: string; title: string; status: string; firstSeen: Date; lastSeen: Date };

function targetOf(objectKey: string): LockTarget | null {
  const m = /^advisory:(\d+):(\d+):(\d+):([12])$/.exec(objectKey);
  return m ? { locktype: "advisory", database: Number(m[1]), classid: Number(m[2]), objid: Number(m[3]), objsubid: Number(m[4]) as 1 | 2 } : null;
}

export async function getStuckLockDetail(prisma: PrismaClient, row: Row & { id: number }, now = new Date()): Promise<StuckLockDetail> {
  const objectKey = objectKeyOfStuckFingerprint(row.fingerprint);
  const holders = await prisma.$queryRaw<(StuckLockDetail["holders"][number] & { at: Date; key: string | null })[]>`
    SELECT pid, "data"->>'backendStart' AS "backendStart", "data"->>'application' AS application, "data"->>'user' AS "user",
           "data"->>'state' AS state, "sampledAt" AS at, "data"->>'key' AS key
    FROM "LockSample"
    WHERE "objectKey" = ${objectKey} AND "sourceId" = ${row.sourceId} AND granted
      AND "sampledAt" = (SELECT max("sampledAt") FROM "LockSample" WHERE "objectKey" = ${objectKey} AND "sourceId" = ${row.sourceId} AND granted)`;
  // The title names the key as the snapshot labelled it ("Advisory lock (7, 42) in app stuck on …").
  const key = holders[0]?.key ?? /^Advisory lock (\(-?\d+, -?\d+\)|-?\d+) /.exec(row.title)?.[1] ?? objectKey;
  const [entityMap, impact, resolution] = await Promise.all([
    entitiesForAdvisoryKeys(prisma, [key]),
    row.sourceId === null ? null : listHolderImpact(prisma, row.sourceId, 15, now),
    row.status === "resolved" ? lastResolution(prisma, row.id) : null,
  ]);
  const entities = entityMap.get(key) ?? [];
  const related = await relatedLockIncidents(prisma, row, objectKey, [
    { type: "advisory_lock", value: key.replace(/^\((-?\d+), (-?\d+)\)$/, "$1,$2") },
    ...entities,
  ]);
  return {
    source: row.source,
    objectKey,
    key,
    lock: targetOf(objectKey),
    holders: holders.map(({ pid, backendStart, application, user, state }) => ({ pid, backendStart, application, user, state })),
    lastSampledAt: holders[0]?.at.toISOString() ?? null,
    entities,
    impact: impact?.keys.find((k) => k.objectKey === objectKey)?.windows ?? [],
    resolution,
    related,
  };
}

async function lastResolution(prisma: PrismaClient, incidentId: number): Promise<StuckLockDetail["resolution"]> {
  const [r] = await prisma.$queryRaw<{ id: number; at: Date; actor: string; reason: string | null }[]>`
    SELECT id, at, actor, reason FROM "ActionLog"
    WHERE action = 'incident.status' AND target @> ${JSON.stringify({ incidentId })}::jsonb AND outcome = 'resolved'
    ORDER BY at DESC, id DESC LIMIT 1`;
  if (!r) return null;
  const release = /audit #(\d+)/.exec(r.reason ?? "");
  return { at: r.at.toISOString(), by: r.actor, reason: r.reason, auditId: r.id, releaseAuditId: release ? Number(release[1]) : null };
}

/**
 * Lock-wait and lock-timeout incidents the same lock caused while it was stuck (± 10 min):
 * through the entities its key maps to (the app's logs name the user, not the key), the key
 * itself (PostgreSQL's lock-wait lines), and on the same source the log lines of sessions the
 * samples saw waiting for this key (PostgreSQL's own "canceling statement due to lock timeout").
 */
async function relatedLockIncidents(
  prisma: PrismaClient,
  row: Row & { id: number },
  objectKey: string,
  named: { type: string; value: string }[],
): Promise<RelatedIncident[]> {
  const from = new Date(row.firstSeen.getTime() - 600_000);
  const to = new Date(row.lastSeen.getTime() + 600_000);
  const rows = await prisma.$queryRaw<(Omit<RelatedIncident, "lastSeen"> & { lastSeen: Date })[]>`
    WITH linked AS (
      SELECT e."incidentId" AS id, q.type || '=' || q.value AS via
      FROM unnest(${named.map((e) => e.type)}::text[], ${named.map((e) => e.value)}::text[]) AS q(type, value)
      JOIN "Entity" en ON en.type = q.type AND en.value = q.value
      JOIN "EventEntity" ee ON ee."entityId" = en.id AND ee."occurredAt" BETWEEN ${from} AND ${to}
      JOIN "Event" e ON ee."eventId" = e.id AND ee."occurredAt" = e."occurredAt" AND ee.noise = e.noise
      WHERE e."incidentId" IS NOT NULL AND e.kind = ANY(${LOCK_EVENT_KINDS}::text[]) AND e."occurredAt" BETWEEN ${from} AND ${to}
      UNION ALL
      SELECT e."incidentId", 'a session seen waiting for this key'
      FROM (SELECT "incidentId", "fields" FROM "Event"
            WHERE "sourceId" = ${row.sourceId} AND "incidentId" IS NOT NULL AND kind = ANY(${LOCK_EVENT_KINDS}::text[]) AND "occurredAt" BETWEEN ${from} AND ${to}
            ORDER BY "occurredAt" DESC LIMIT 5000) e
      WHERE (e.fields::jsonb->>'pid') ~ '^[0-9]{1,9}$' AND (e.fields::jsonb->>'pid')::int IN (
        SELECT DISTINCT pid FROM "LockSample" WHERE "objectKey" = ${objectKey} AND NOT granted AND "sampledAt" BETWEEN ${from} AND ${to})
    )
    SELECT i.id, i.kind, i.title, i.subject, s.name AS source, i.count, i.status, i."lastSeen", min(l.via) AS via, count(*)::int AS events
    FROM linked l JOIN "Incident" i ON i.id = l.id LEFT JOIN "Source" s ON s.id = i."sourceId"
    WHERE i.id <> ${row.id}
    GROUP BY i.id, s.name ORDER BY count(*) DESC, i."lastSeen" DESC LIMIT 20`;
  return rows.map((r) => ({ ...r, lastSeen: r.lastSeen.toISOString() }));
}
