import "server-only";
import type { NormalizedEvent } from "./store-events";
import { opensIncident } from "./store-events";
import { INCIDENT_ON_CONFLICT, pgText } from "./store-sql";

/**
 * The bulk writer's incident and entity statements, fed with rows grouped here rather than from a
 * stage table. Same rules as moveStaged (store-sql.ts): a resolved incident that recurs reopens as
 * a regression; first/last seen only widen.
 *
 * A batch's incidents are known before its events are copied (the rows name them), but counted at
 * the end: another writer then waits on these rows only while this one commits. New incidents are
 * inserted up front with count 0 (invisible to others until commit); a row another writer inserted
 * and committed meanwhile is not in this statement's snapshot, so the caller reads again for it.
 * Rows are taken in fingerprint order everywhere, so two writers cannot lock them crosswise.
 */
export const RESOLVE_INCIDENTS = `
  WITH want AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $5::timestamptz[], $6::timestamptz[]) AS w(fp, kind, title, first, last)),
  ins AS (
    INSERT INTO "Incident" ("fingerprint","kind","title","sourceId","firstSeen","lastSeen","count")
    SELECT w.fp, w.kind, w.title, $4, w.first, w.last, 0 FROM want w
    WHERE NOT EXISTS (SELECT 1 FROM "Incident" i WHERE i."fingerprint" = w.fp)
    ORDER BY w.fp
    ON CONFLICT ("fingerprint") DO NOTHING
    RETURNING id, "fingerprint")
  SELECT id, "fingerprint" FROM ins
  UNION ALL
  SELECT i.id, i."fingerprint" FROM "Incident" i JOIN want w ON w.fp = i."fingerprint"`;

export const SELECT_INCIDENTS = `SELECT id, "fingerprint" FROM "Incident" WHERE "fingerprint" = ANY($1::text[])`;

export const UPSERT_INCIDENTS = `
  WITH up AS (
    INSERT INTO "Incident" ("fingerprint","kind","title","sourceId","firstSeen","lastSeen","count")
    SELECT g.fp, g.kind, g.title, $1, g.first, g.last, g.n
    FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::int[]) AS g(fp, kind, title, first, last, n)
    ORDER BY g.fp
    ${INCIDENT_ON_CONFLICT}
    RETURNING id, "fingerprint"),
  minutes AS (
    INSERT INTO "IncidentMinute" ("incidentId","minute","count")
    SELECT up.id, m.minute, m.n
    FROM unnest($8::text[], $9::timestamptz[], $10::int[]) AS m(fp, minute, n) JOIN up ON up."fingerprint" = m.fp
    ORDER BY up.id, m.minute
    ON CONFLICT ("incidentId","minute") DO UPDATE SET "count" = "IncidentMinute"."count" + EXCLUDED."count")
  SELECT id, "fingerprint" FROM up`;

/** Entities the same way: ids up front (new ones inserted), first/last seen widened at the end. */
export const RESOLVE_ENTITIES = `
  WITH want AS (SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[]) AS w(typ, val, first, last)),
  ins AS (
    INSERT INTO "Entity" ("type","value","firstSeen","lastSeen")
    SELECT w.typ, w.val, w.first, w.last FROM want w
    WHERE NOT EXISTS (SELECT 1 FROM "Entity" e WHERE e."type" = w.typ AND e."value" = w.val)
    ORDER BY w.typ, w.val
    ON CONFLICT ("type","value") DO NOTHING
    RETURNING id, "type", "value")
  SELECT id, "type", "value" FROM ins
  UNION ALL
  SELECT e.id, e."type", e."value" FROM "Entity" e JOIN want w ON e."type" = w.typ AND e."value" = w.val`;

export const SELECT_ENTITIES = `SELECT e.id, e."type", e."value" FROM "Entity" e JOIN unnest($1::text[], $2::text[]) AS w(typ, val) ON e."type" = w.typ AND e."value" = w.val`;

export const UPSERT_ENTITIES = `
  INSERT INTO "Entity" ("type","value","firstSeen","lastSeen")
  SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[]) AS w(typ, val, first, last)
  ORDER BY w.typ, w.val
  ON CONFLICT ("type","value") DO UPDATE SET
    "firstSeen" = LEAST("Entity"."firstSeen", EXCLUDED."firstSeen"),
    "lastSeen" = GREATEST("Entity"."lastSeen", EXCLUDED."lastSeen")
  RETURNING id, "type", "value"`;

type Span = { kind: string; title: string; first: number; last: number; n: number };

/** New events that open an incident, grouped by fingerprint and by (fingerprint, minute). */
export function incidentRowsOf(fresh: NormalizedEvent[]) {
  const byFp = new Map<string, Span>();
  const byMinute = new Map<string, Map<number, number>>();
  for (const e of fresh) {
    if (!opensIncident(e)) continue;
    const t = e.occurredAt.getTime();
    const g = byFp.get(e.fingerprint);
    if (!g) byFp.set(e.fingerprint, { kind: e.kind, title: e.title, first: t, last: t, n: 1 });
    else {
      g.n++;
      if (t < g.first) g.first = t;
      if (t > g.last) g.last = t;
    }
    let mins = byMinute.get(e.fingerprint);
    if (!mins) byMinute.set(e.fingerprint, (mins = new Map()));
    const minute = Math.floor(t / 60_000) * 60_000;
    mins.set(minute, (mins.get(minute) ?? 0) + 1);
  }
  const iso = (ms: number) => new Date(ms).toISOString();
  const spans = [...byFp];
  const minuteRows = [...byMinute].flatMap(([fp, m]) => [...m].map(([minute, n]) => ({ fp, minute, n })));
  return {
    fps: spans.map(([fp]) => fp),
    kinds: spans.map(([, g]) => g.kind),
    titles: spans.map(([, g]) => pgText(g.title)),
    firsts: spans.map(([, g]) => iso(g.first)),
    lasts: spans.map(([, g]) => iso(g.last)),
    counts: spans.map(([, g]) => g.n),
    minuteFps: minuteRows.map((r) => r.fp),
    minutes: minuteRows.map((r) => iso(r.minute)),
    minuteCounts: minuteRows.map((r) => r.n),
  };
}

/** How an entity is found again in the maps of one batch. */
export const entityKey = (type: string, value: string) => `${type}\u0000${value}`;

/** Distinct entities of the new events with their first/last seen, and their links to the events. */
export function entityRowsOf(fresh: NormalizedEvent[]) {
  const spans = new Map<string, { type: string; value: string; first: number; last: number }>();
  for (const e of fresh) {
    if (e.entities.length === 0) continue;
    const t = e.occurredAt.getTime();
    for (const en of e.entities) {
      // Keyed by the stored text, so the ids the upsert returns are found again.
      const type = pgText(en.type);
      const value = pgText(en.value);
      const k = entityKey(type, value);
      const s = spans.get(k);
      if (!s) spans.set(k, { type, value, first: t, last: t });
      else {
        if (t < s.first) s.first = t;
        if (t > s.last) s.last = t;
      }
    }
  }
  const rows = [...spans.values()];
  return {
    types: rows.map((r) => r.type),
    values: rows.map((r) => r.value),
    firsts: rows.map((r) => new Date(r.first).toISOString()),
    lasts: rows.map((r) => new Date(r.last).toISOString()),
    /** One link per (event, entity), with the event's index in `fresh`; the first role named wins. */
    forEachLink(entityIdOf: Map<string, number>, link: (eventIndex: number, entityId: number, role: string | undefined) => void): void {
      for (let i = 0; i < fresh.length; i++) {
        const e = fresh[i];
        if (e.entities.length === 0) continue;
        const seen: number[] = [];
        for (const en of e.entities) {
          const id = entityIdOf.get(entityKey(pgText(en.type), pgText(en.value)));
          if (id === undefined) throw new Error(`entity ${en.type}=${en.value} was not stored`);
          if (seen.includes(id)) continue;
          seen.push(id);
          link(i, id, en.role || undefined);
        }
      }
    },
  };
}
