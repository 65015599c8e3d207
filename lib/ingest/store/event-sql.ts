import "server-only";
import type { EncodedBatch } from "./encoded-batch";
import { pgText } from "./batch-sql";

/**
 * How a batch's count lands on an existing incident: counts add up, first/last seen only widen,
 * and a resolved incident that recurs reopens as a regression. The one statement of this rule:
 * UPSERT_INCIDENTS below.
 */
export const INCIDENT_ON_CONFLICT = `ON CONFLICT ("fingerprint") DO UPDATE SET
  "count" = "Incident"."count" + EXCLUDED."count",
  "firstSeen" = LEAST("Incident"."firstSeen", EXCLUDED."firstSeen"),
  "lastSeen" = GREATEST("Incident"."lastSeen", EXCLUDED."lastSeen"),
  "regression" = "Incident"."regression" OR "Incident"."status" = 'resolved',
  "subject" = COALESCE("Incident"."subject", EXCLUDED."subject"),
  "status" = CASE WHEN "Incident"."status" = 'resolved' THEN 'open' ELSE "Incident"."status" END`;

/**
 * Ids by unique key with a correlated lookup, one index probe per wanted row. As a join, the
 * planner hashes the whole table once it holds more rows than the batch wants (a scan of every
 * entity ever seen, per batch: the cost grew with the store).
 */
const INCIDENT_ID = `(SELECT id FROM "Incident" i WHERE i."fingerprint" = w.fp)`;
const ENTITY_ID = `(SELECT id FROM "Entity" e WHERE e."type" = w.typ AND e."value" = w.val)`;

/**
 * The incident and entity rules of every event write (write-batch.ts runs them), fed with rows
 * grouped here: a resolved incident that recurs reopens as a regression; counts add up; first/last
 * seen only widen; an event links an entity once, with the first role it names (encoded-batch.ts).
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
    FROM unnest($1::text[], $2::text[], $3::text[], $5::timestamptz[], $6::timestamptz[], $7::text[]) AS w(fp, kind, title, first, last, subject)),
  ins AS (
    INSERT INTO "Incident" ("fingerprint","kind","title","sourceId","firstSeen","lastSeen","count","subject")
    SELECT f.fp, f.kind, f.title, $4, f.first, f.last, 0, f.subject FROM found f WHERE f.id IS NULL
    ORDER BY f.fp
    ON CONFLICT ("fingerprint") DO NOTHING
    RETURNING id, "fingerprint")
  SELECT id, "fingerprint" FROM ins
  UNION ALL
  SELECT f.id, f.fp FROM found f WHERE f.id IS NOT NULL`;

/**
 * The rollup statements of a count, as CTEs over `fresh` (id, kind, minute, n: an incident's new
 * events in one minute) from source `source` (a parameter such as `$1`, or an id). Shared with the
 * lock sampler's sightings (lib/postgres/stuck-incident.ts), the other writer of IncidentMinute.
 */
export const rollupCtes = (source: string) => `
  -- Only the minutes a row may count (from the oldest since of the batch's rows, or an hour ago for
  -- new ones: a since only moves forward, so the snapshot's is never past the latest), one row per
  -- incident: the count below looks its incident up in these k rows, not in all of fresh.
  hour_fresh AS MATERIALIZED (
    SELECT f.id, array_agg(f.minute) AS minutes, array_agg(f.n) AS ns,
           coalesce(sum(f.n) FILTER (WHERE f.minute >= date_trunc('minute', now() - interval '1 hour')), 0)::int AS recent
    FROM fresh f
    WHERE f.minute >= LEAST(date_trunc('minute', now() - interval '1 hour'),
                            (SELECT min(h.since) FROM "IncidentLastHour" h WHERE h."incidentId" IN (SELECT id FROM fresh)))
    GROUP BY f.id),
  last_hour AS (
    INSERT INTO "IncidentLastHour" ("incidentId","since","count")
    SELECT a.id, date_trunc('minute', now() - interval '1 hour'), a.recent FROM hour_fresh a
    ORDER BY a.id
    ON CONFLICT ("incidentId") DO UPDATE SET "count" = "IncidentLastHour"."count" + (
      SELECT coalesce(sum(u.n), 0) FROM hour_fresh a, unnest(a.minutes, a.ns) AS u(minute, n)
      WHERE a.id = EXCLUDED."incidentId" AND u.minute >= "IncidentLastHour"."since")::int),
  quarters AS (
    INSERT INTO "IncidentQuarter" ("incidentId","quarter","count")
    SELECT f.id, date_bin('15 minutes', f.minute, TIMESTAMPTZ '1970-01-01 00:00:00+00'), sum(f.n)::int FROM fresh f
    GROUP BY 1, 2
    ORDER BY 1, 2
    ON CONFLICT ("incidentId","quarter") DO UPDATE SET "count" = "IncidentQuarter"."count" + EXCLUDED."count"),
  kind_minutes AS (
    INSERT INTO "SourceKindMinute" ("minute","sourceId","kind","count")
    SELECT f.minute, ${source}, f.kind, sum(f.n)::int FROM fresh f
    GROUP BY f.minute, f.kind
    ORDER BY f.minute, f.kind
    ON CONFLICT ("minute","sourceId","kind") DO UPDATE SET "count" = "SourceKindMinute"."count" + EXCLUDED."count")`;

export const SELECT_INCIDENTS = `SELECT id, "fingerprint" FROM "Incident" WHERE "fingerprint" = ANY($1::text[])`;

/**
 * The incidents' counts and minutes, and the two rollups kept with them, all from the same rows
 * (only the batch's newly inserted events: a re-read file adds nothing anywhere):
 * - SourceKindMinute, events per minute by source ($1) and incident kind, for the Overview;
 * - IncidentQuarter, each incident's events per quarter hour, for the lists' sparklines;
 * - IncidentLastHour, each incident's events in the minutes from its `since` on, for the rate sort
 *   (lib/incidents/last-hour.ts): a new row starts at the minute an hour ago; an existing one adds
 *   the minutes from its own `since`, read under the row's lock (ON CONFLICT sees the latest
 *   version), so a concurrent move of `since` by the job is never half applied. An incident whose
 *   new minutes all fall before that gets no row (readers sum its minutes: none in the hour).
 * The incident rows are locked first (fingerprint order); the rollup rows after them, in key order.
 */
export const UPSERT_INCIDENTS = `
  WITH up AS (
    INSERT INTO "Incident" ("fingerprint","kind","title","sourceId","firstSeen","lastSeen","count","subject")
    SELECT g.fp, g.kind, g.title, $1, g.first, g.last, g.n, g.subject
    FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::int[], $11::text[]) AS g(fp, kind, title, first, last, n, subject)
    ORDER BY g.fp
    ${INCIDENT_ON_CONFLICT}
    RETURNING id, "fingerprint", "kind"),
  fresh AS MATERIALIZED (
    SELECT up.id, up.kind, m.minute, m.n
    FROM unnest($8::text[], $9::timestamptz[], $10::int[]) AS m(fp, minute, n) JOIN up ON up."fingerprint" = m.fp),
  minutes AS (
    INSERT INTO "IncidentMinute" ("incidentId","minute","count")
    SELECT f.id, f.minute, f.n FROM fresh f
    ORDER BY f.id, f.minute
    ON CONFLICT ("incidentId","minute") DO UPDATE SET "count" = "IncidentMinute"."count" + EXCLUDED."count"),
  ${rollupCtes("$1")}
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

/**
 * Of the stored entities a batch links to, how many are gone. Run after WIDEN_ENTITIES, in a
 * statement of its own (a snapshot taken after any wait): the retention pass may have deleted one
 * since this batch found it (an entity unseen for the whole retention, back in the very pass that
 * prunes it). The batch is then written again, which stores the entity anew.
 */
export const MISSING_ENTITIES = `
  SELECT count(*)::int AS n FROM unnest($1::int[]) AS w(id) WHERE NOT EXISTS (SELECT 1 FROM "Entity" e WHERE e.id = w.id)`;

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
  const out = {
    fps: [] as string[],
    kinds: [] as string[],
    titles: [] as string[],
    subjects: [] as (string | null)[],
    firsts: [] as string[],
    lasts: [] as string[],
    counts: [] as number[],
    minuteFps: [] as string[],
    minutes: [] as string[],
    minuteCounts: [] as number[],
  };
  for (let idx = 0; idx < k; idx++) {
    if (n[idx] === 0) continue;
    const inc = b.incidents[idx];
    out.fps.push(inc.fingerprint);
    out.kinds.push(inc.kind);
    out.titles.push(pgText(inc.title));
    out.subjects.push(inc.subject === null ? null : pgText(inc.subject));
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
