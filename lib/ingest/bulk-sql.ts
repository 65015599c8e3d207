import "server-only";
import type { EncodedBatch } from "./encoded-batch";
import { INCIDENT_ON_CONFLICT, pgText } from "./store-sql";

/**
 * Ids by unique key with a correlated lookup, one index probe per wanted row. As a join, the
 * planner hashes the whole table once it holds more rows than the batch wants (a scan of every
 * entity ever seen, per batch: the cost grew with the store).
 */
const INCIDENT_ID = `(SELECT id FROM "Incident" i WHERE i."fingerprint" = w.fp)`;
const ENTITY_ID = `(SELECT id FROM "Entity" e WHERE e."type" = w.typ AND e."value" = w.val)`;

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
  WITH found AS MATERIALIZED (
    SELECT w.*, ${INCIDENT_ID} AS id
    FROM unnest($1::text[], $2::text[], $3::text[], $5::timestamptz[], $6::timestamptz[]) AS w(fp, kind, title, first, last)),
  ins AS (
    INSERT INTO "Incident" ("fingerprint","kind","title","sourceId","firstSeen","lastSeen","count")
    SELECT f.fp, f.kind, f.title, $4, f.first, f.last, 0 FROM found f WHERE f.id IS NULL
    ORDER BY f.fp
    ON CONFLICT ("fingerprint") DO NOTHING
    RETURNING id, "fingerprint")
  SELECT id, "fingerprint" FROM ins
  UNION ALL
  SELECT f.id, f.fp FROM found f WHERE f.id IS NOT NULL`;

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

/**
 * Entities the same way, ids up front. A new entity is inserted with its batch's first/last seen
 * already (`fresh`), so only entities stored before need widening at the end.
 */
export const RESOLVE_ENTITIES = `
  WITH found AS MATERIALIZED (
    SELECT w.*, ${ENTITY_ID} AS id
    FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[]) AS w(typ, val, first, last)),
  ins AS (
    INSERT INTO "Entity" ("type","value","firstSeen","lastSeen")
    SELECT f.typ, f.val, f.first, f.last FROM found f WHERE f.id IS NULL
    ORDER BY f.typ, f.val
    ON CONFLICT ("type","value") DO NOTHING
    RETURNING id, "type", "value")
  SELECT id, "type", "value", true AS fresh FROM ins
  UNION ALL
  SELECT f.id, f.typ, f.val, false FROM found f WHERE f.id IS NOT NULL`;

export const SELECT_ENTITIES = `
  SELECT f.id, f.typ AS "type", f.val AS "value"
  FROM (SELECT w.*, ${ENTITY_ID} AS id FROM unnest($1::text[], $2::text[]) AS w(typ, val)) f
  WHERE f.id IS NOT NULL`;

/**
 * Widens first/last seen of entities stored before this batch, in id order (so two writers lock
 * them in the same order), and writes nothing where the span already covers the batch's: most
 * entities of a batch (pids, relations) are seen again within the minute.
 */
export const WIDEN_ENTITIES = `
  WITH w AS (
    SELECT e.id, w.first, w.last
    FROM unnest($1::int[], $2::timestamptz[], $3::timestamptz[]) AS w(id, first, last)
    JOIN "Entity" e ON e.id = w.id
    -- The id list also as an index condition: a join alone may read all of Entity.
    WHERE e.id = ANY($1::int[]) AND (w.first < e."firstSeen" OR w.last > e."lastSeen")
    ORDER BY e.id
    FOR UPDATE OF e)
  UPDATE "Entity" e SET "firstSeen" = LEAST(e."firstSeen", w.first), "lastSeen" = GREATEST(e."lastSeen", w.last) FROM w WHERE e.id = w.id`;

/** How an entity is found again in the maps of one batch. */
export const entityKey = (type: string, value: string) => `${type}\u0000${value}`;

const iso = (ms: number) => new Date(ms).toISOString();

export type IncidentRows = ReturnType<typeof incidentRowsOf>;
export type EntityRows = ReturnType<typeof entityRowsOf>;

/**
 * A batch's incidents with their first/last seen, counts and per-minute counts, over the rows
 * `fresh` allows (all when null). Incidents none of whose rows are fresh are left out.
 */
export function incidentRowsOf(b: EncodedBatch, fresh: Uint8Array | null) {
  const k = b.incidents.length;
  const first = new Float64Array(k).fill(Infinity);
  const last = new Float64Array(k).fill(-Infinity);
  const n = new Int32Array(k);
  const byMinute: Map<number, number>[] = [];
  for (let i = 0; i < b.length; i++) {
    const idx = b.incidentOf.a[i];
    if (idx < 0 || (fresh && !fresh[i])) continue;
    const t = b.time.a[i];
    if (t < first[idx]) first[idx] = t;
    if (t > last[idx]) last[idx] = t;
    n[idx]++;
    const mins = (byMinute[idx] ??= new Map());
    const minute = Math.floor(t / 60_000) * 60_000;
    mins.set(minute, (mins.get(minute) ?? 0) + 1);
  }
  const out = { fps: [] as string[], kinds: [] as string[], titles: [] as string[], firsts: [] as string[], lasts: [] as string[], counts: [] as number[], minuteFps: [] as string[], minutes: [] as string[], minuteCounts: [] as number[] };
  for (let idx = 0; idx < k; idx++) {
    if (n[idx] === 0) continue;
    const inc = b.incidents[idx];
    out.fps.push(inc.fingerprint);
    out.kinds.push(inc.kind);
    out.titles.push(pgText(inc.title));
    out.firsts.push(iso(first[idx]));
    out.lasts.push(iso(last[idx]));
    out.counts.push(n[idx]);
    for (const [minute, c] of byMinute[idx]) {
      out.minuteFps.push(inc.fingerprint);
      out.minutes.push(iso(minute));
      out.minuteCounts.push(c);
    }
  }
  return out;
}

/** A batch's entities with their first/last seen over the links of rows `fresh` allows (all when null). */
export function entityRowsOf(b: EncodedBatch, fresh: Uint8Array | null) {
  const k = b.entities.length;
  const first = new Float64Array(k).fill(Infinity);
  const last = new Float64Array(k).fill(-Infinity);
  for (let j = 0; j < b.linkRow.n; j++) {
    const row = b.linkRow.a[j];
    if (fresh && !fresh[row]) continue;
    const idx = b.linkEntity.a[j];
    const t = b.time.a[row];
    if (t < first[idx]) first[idx] = t;
    if (t > last[idx]) last[idx] = t;
  }
  const out = { index: [] as number[], types: [] as string[], values: [] as string[], firsts: [] as string[], lasts: [] as string[] };
  for (let idx = 0; idx < k; idx++) {
    if (first[idx] === Infinity) continue;
    out.index.push(idx);
    out.types.push(b.entities[idx].type);
    out.values.push(b.entities[idx].value);
    out.firsts.push(iso(first[idx]));
    out.lasts.push(iso(last[idx]));
  }
  return out;
}
