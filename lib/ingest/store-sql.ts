import "server-only";

/**
 * How a batch's count lands on an existing incident: counts add up, first/last seen only widen,
 * and a resolved incident that recurs reopens as a regression. Shared by both write paths.
 */
export const INCIDENT_ON_CONFLICT = `ON CONFLICT ("fingerprint") DO UPDATE SET
  "count" = "Incident"."count" + EXCLUDED."count",
  "firstSeen" = LEAST("Incident"."firstSeen", EXCLUDED."firstSeen"),
  "lastSeen" = GREATEST("Incident"."lastSeen", EXCLUDED."lastSeen"),
  "regression" = "Incident"."regression" OR "Incident"."status" = 'resolved',
  "status" = CASE WHEN "Incident"."status" = 'resolved' THEN 'open' ELSE "Incident"."status" END`;

/**
 * The write path shared by the bulk writer (COPY, pg) and storeEvents (unnest, Prisma): a batch is
 * staged in session temp tables, then moved into Event, Incident, IncidentMinute, Entity and
 * EventEntity by a few set-based statements, all in the caller's transaction.
 */
export type SqlRunner = { exec(sql: string, params?: unknown[]): Promise<number> };

export const CREATE_STAGE = [
  `CREATE TEMP TABLE IF NOT EXISTS lockboard_stage_event (k text, t timestamptz, kind text, sev text, msg text, fp text, title text, opens boolean, raw text, f jsonb, fresh boolean, n bigserial) ON COMMIT DELETE ROWS`,
  `CREATE TEMP TABLE IF NOT EXISTS lockboard_stage_entity (k text, typ text, val text, role text, t timestamptz) ON COMMIT DELETE ROWS`,
  `CREATE TEMP TABLE IF NOT EXISTS lockboard_stage_id (k text, id bigint) ON COMMIT DELETE ROWS`,
];

// Arbitrary constant: one staged writer per source at a time, so two runs over the same events
// cannot both find them new and count them into their incident. (The bulk writer's direct path
// needs no such lock: Event's unique key stops its COPY, and the batch is redone staged.)
const WRITE_LOCK = 72707370;

export type StoreResult = { inserted: number; duplicates: number; incidents: number };

/**
 * What every batch transaction starts with: a relaxed commit (crash-safe: a lost tail is re-read
 * from its saved offset and keyed identically), and the source row found and locked. Event has no
 * foreign key to Source (one check per batch instead of one per row): the lock keeps the source
 * until commit, and the last statement's row count says whether it exists.
 */
export function batchStartStatements(sourceId: number): string[] {
  if (!Number.isSafeInteger(sourceId)) throw new Error(`source id must be an integer, got ${sourceId}`);
  return [`SET LOCAL synchronous_commit = off`, `SET LOCAL work_mem = '64MB'`, `SELECT 1 FROM "Source" WHERE id = ${sourceId} FOR KEY SHARE`];
}

export const sourceMissing = (sourceId: number) => new Error(`source ${sourceId} does not exist (deleted while ingesting?)`);

/** The source's writer lock for the transaction (re-entrant), for a staged check-then-insert. */
export async function takeSourceWriteLock(sql: SqlRunner, sourceId: number): Promise<void> {
  await sql.exec(`SELECT pg_advisory_xact_lock(${WRITE_LOCK}, $1)`, [sourceId]);
}

/** The writer lock, then the statements every batch transaction starts with (storeEvents' transaction runs them here). */
export async function lockSourceForWrite(sql: SqlRunner, sourceId: number): Promise<void> {
  await takeSourceWriteLock(sql, sourceId);
  let found = 0;
  for (const statement of batchStartStatements(sourceId)) found = await sql.exec(statement);
  if (found === 0) throw sourceMissing(sourceId);
}

export async function moveStaged(sql: SqlRunner, sourceId: number, staged: number, hasEntities: boolean): Promise<StoreResult> {
  await lockSourceForWrite(sql, sourceId);
  // Only events that open an incident need to know up front whether they are new (so the incident
  // counts them once); the writer lock keeps that answer true until commit.
  const fresh = await sql.exec(
    `UPDATE lockboard_stage_event s SET fresh = true
     WHERE s.opens AND NOT EXISTS (SELECT 1 FROM "Event" e WHERE e."eventKey" = s.k)`,
  );
  const incidents = fresh === 0 ? 0 : await sql.exec(`SELECT 1 FROM lockboard_stage_event WHERE fresh GROUP BY fp`);
  const inserted = await sql.exec(
    `WITH g AS (
       SELECT fp, (array_agg(kind))[1] AS kind, (array_agg(title))[1] AS title, count(*)::int AS n, min(t) AS first, max(t) AS last
       FROM lockboard_stage_event WHERE fresh GROUP BY fp),
     up AS (
       INSERT INTO "Incident" ("fingerprint","kind","title","sourceId","firstSeen","lastSeen","count")
       SELECT fp, kind, title, $1, first, last, n FROM g
       ${INCIDENT_ON_CONFLICT}
       RETURNING id, "fingerprint"),
     minutes AS (
       INSERT INTO "IncidentMinute" ("incidentId","minute","count")
       SELECT up.id, date_trunc('minute', s.t), count(*)::int
       FROM lockboard_stage_event s JOIN up ON up."fingerprint" = s.fp
       WHERE s.fresh GROUP BY 1, 2
       ON CONFLICT ("incidentId","minute") DO UPDATE SET "count" = "IncidentMinute"."count" + EXCLUDED."count"),
     ins AS (
       INSERT INTO "Event" ("eventKey","sourceId","occurredAt","kind","severity","message","fingerprint","raw","fields","incidentId")
       SELECT s.k, $1, s.t, s.kind, s.sev, s.msg, s.fp, s.raw, s.f, up.id
       FROM lockboard_stage_event s LEFT JOIN up ON s.fresh AND up."fingerprint" = s.fp
       ORDER BY s.n -- events get their ids in the order they were read
       ON CONFLICT ("eventKey") DO NOTHING
       RETURNING id, "eventKey")
     -- The new events' ids, so linking entities never has to search "Event".
     INSERT INTO lockboard_stage_id (k, id) SELECT "eventKey", id FROM ins`,
    [sourceId],
  );
  if (hasEntities) {
    await sql.exec(
      `WITH input AS (
         SELECT i.id AS eid, x.typ, x.val, x.role, x.t
         FROM lockboard_stage_entity x JOIN lockboard_stage_id i ON i.k = x.k),
       ent AS (
         INSERT INTO "Entity" ("type","value","firstSeen","lastSeen")
         SELECT typ, val, min(t), max(t) FROM input GROUP BY typ, val
         ON CONFLICT ("type","value") DO UPDATE SET
           "firstSeen" = LEAST("Entity"."firstSeen", EXCLUDED."firstSeen"),
           "lastSeen" = GREATEST("Entity"."lastSeen", EXCLUDED."lastSeen")
         RETURNING id, "type", "value")
       INSERT INTO "EventEntity" ("eventId","entityId","role")
       SELECT DISTINCT ON (input.eid, ent.id) input.eid, ent.id, input.role
       FROM input JOIN ent ON ent."type" = input.typ AND ent."value" = input.val
       ON CONFLICT DO NOTHING`,
    );
  }
  return { inserted, duplicates: staged - inserted, incidents };
}

/** Text PostgreSQL accepts: no NUL, no lone UTF-16 surrogates. */
type WellFormed = { isWellFormed(): boolean; toWellFormed(): string };
export function pgText(s: string): string {
  const ws = s as unknown as WellFormed; // ES2024 string methods, present in Node 20
  const w = ws.isWellFormed() ? s : ws.toWellFormed();
  return w.includes("\u0000") ? w.replaceAll("\u0000", "\uFFFD") : w;
}

/** JSON jsonb accepts (it rejects \u0000 and unpaired surrogate escapes). */
export function pgJson(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === "string" ? pgText(x) : typeof x === "bigint" ? x.toString() : x));
}

/** The same JSON as pgJson, by JSON.stringify's fast path unless its output has a `\u` escape or it meets a bigint. */
export function jsonbText(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v);
  } catch {
    return pgJson(v); // a bigint
  }
  return s.includes("\\u") ? pgJson(v) : s;
}

export type Checkpoint = { stream: string; fileId: string; offset: number };

/** Saved in the batch's own transaction (storeEvents), or after it once every earlier batch has committed (the bulk writer). */
export async function saveCheckpointIn(sql: SqlRunner, sourceId: number, cp: Checkpoint): Promise<void> {
  await sql.exec(
    `INSERT INTO "IngestCheckpoint" ("sourceId","stream","fileId","offset","updatedAt") VALUES ($1, $2, $3, $4, now())
     ON CONFLICT ("sourceId","stream") DO UPDATE SET "fileId" = EXCLUDED."fileId", "offset" = EXCLUDED."offset", "updatedAt" = now()`,
    [sourceId, cp.stream, cp.fileId, cp.offset],
  );
}
