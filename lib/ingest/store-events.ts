import "server-only";
import type { PrismaClient } from "../store/generated/client";
import type { ExtractedEntity } from "./entities";

export type NormalizedEvent = {
  eventKey: string;
  occurredAt: Date;
  kind: string;
  severity: string;
  message: string;
  title: string;
  fingerprint: string;
  raw: string;
  fields: Record<string, unknown>;
  entities: ExtractedEntity[];
};

export type StoreResult = { inserted: number; duplicates: number; incidents: number };

type InsertedRow = { id: bigint; eventKey: string };

/** Informational lines (checkpoints, startup) are kept as events but open no incident. */
export function opensIncident(e: Pick<NormalizedEvent, "kind" | "severity">): boolean {
  return e.kind !== "unclassified" || e.severity === "error" || e.severity === "critical" || e.severity === "warning";
}

/**
 * Writes a batch in one transaction: events (skipping keys already stored, so re-ingesting adds
 * nothing), their incidents (count only what was new; a resolved incident that recurs reopens as
 * a regression) and their entities.
 */
export async function storeEvents(prisma: PrismaClient, sourceId: number, events: NormalizedEvent[]): Promise<StoreResult> {
  if (events.length === 0) return { inserted: 0, duplicates: 0, incidents: 0 };
  return prisma.$transaction(async (tx) => {
    const inserted = await tx.$queryRawUnsafe<InsertedRow[]>(
      `INSERT INTO "Event" ("eventKey","sourceId","occurredAt","kind","severity","message","fingerprint","raw","fields")
       SELECT k, $1, t, kind, sev, msg, fp, raw, f::jsonb
       FROM unnest($2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
         AS u(k, t, kind, sev, msg, fp, raw, f)
       ON CONFLICT ("eventKey") DO NOTHING
       RETURNING id, "eventKey"`,
      sourceId,
      events.map((e) => e.eventKey),
      events.map((e) => e.occurredAt.toISOString()),
      events.map((e) => e.kind),
      events.map((e) => e.severity),
      events.map((e) => e.message),
      events.map((e) => e.fingerprint),
      events.map((e) => e.raw),
      events.map((e) => JSON.stringify(e.fields)),
    );
    const byKey = new Map(events.map((e) => [e.eventKey, e]));
    const fresh = inserted.map((r) => ({ id: r.id, event: byKey.get(r.eventKey)! }));

    const groups = new Map<string, { e: NormalizedEvent; n: number; first: Date; last: Date; ids: bigint[] }>();
    for (const { id, event } of fresh) {
      if (!opensIncident(event)) continue;
      const g = groups.get(event.fingerprint);
      if (!g) groups.set(event.fingerprint, { e: event, n: 1, first: event.occurredAt, last: event.occurredAt, ids: [id] });
      else {
        g.n += 1;
        g.ids.push(id);
        if (event.occurredAt < g.first) g.first = event.occurredAt;
        if (event.occurredAt > g.last) g.last = event.occurredAt;
      }
    }
    for (const [fingerprint, g] of groups) {
      const [incident] = await tx.$queryRawUnsafe<{ id: number }[]>(
        `INSERT INTO "Incident" ("fingerprint","kind","title","sourceId","firstSeen","lastSeen","count")
         VALUES ($1, $2, $3, $4, $5::timestamptz, $6::timestamptz, $7)
         ON CONFLICT ("fingerprint") DO UPDATE SET
           "count" = "Incident"."count" + EXCLUDED."count",
           "firstSeen" = LEAST("Incident"."firstSeen", EXCLUDED."firstSeen"),
           "lastSeen" = GREATEST("Incident"."lastSeen", EXCLUDED."lastSeen"),
           "regression" = "Incident"."regression" OR "Incident"."status" = 'resolved',
           "status" = CASE WHEN "Incident"."status" = 'resolved' THEN 'open' ELSE "Incident"."status" END
         RETURNING id`,
        fingerprint, g.e.kind, g.e.title, sourceId, g.first.toISOString(), g.last.toISOString(), g.n,
      );
      await tx.$executeRawUnsafe(`UPDATE "Event" SET "incidentId" = $1 WHERE id = ANY($2::bigint[])`, incident.id, g.ids);
    }

    const links: { eventId: bigint; type: string; value: string; at: Date }[] = [];
    for (const { id, event } of fresh) for (const en of event.entities) links.push({ eventId: id, ...en, at: event.occurredAt });
    if (links.length > 0) {
      await tx.$executeRawUnsafe(
        `WITH input AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[]) AS u(eid, typ, val, at)),
         ent AS (
           INSERT INTO "Entity" ("type","value","firstSeen","lastSeen")
           SELECT typ, val, min(at), max(at) FROM input GROUP BY typ, val
           ON CONFLICT ("type","value") DO UPDATE SET
             "firstSeen" = LEAST("Entity"."firstSeen", EXCLUDED."firstSeen"),
             "lastSeen" = GREATEST("Entity"."lastSeen", EXCLUDED."lastSeen")
           RETURNING id, "type", "value")
         INSERT INTO "EventEntity" ("eventId","entityId")
         SELECT DISTINCT input.eid, ent.id FROM input JOIN ent ON ent."type" = input.typ AND ent."value" = input.val
         ON CONFLICT DO NOTHING`,
        links.map((l) => l.eventId),
        links.map((l) => l.type),
        links.map((l) => l.value),
        links.map((l) => l.at.toISOString()),
      );
    }
    return { inserted: fresh.length, duplicates: events.length - fresh.length, incidents: groups.size };
  });
}
