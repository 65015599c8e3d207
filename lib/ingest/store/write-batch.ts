import "server-only";
import type pg from "pg";
import { copyBinary, RowBuffer } from "./copy-binary";
import {
  type EntityRows,
  entityRowsOf,
  type IncidentRows,
  incidentRowsOf,
  RESOLVE_ENTITIES,
  RESOLVE_INCIDENTS,
  SELECT_ENTITIES,
  SELECT_INCIDENTS,
  UPSERT_INCIDENTS,
  WIDEN_ENTITIES,
  MISSING_ENTITIES,
  entityKey,
} from "./event-sql";
import { type EncodedBatch, EVENT_COLUMNS } from "./encoded-batch";
import { batchStartStatements, type SqlRunner, sourceMissing, type StoreResult, takeSourceWriteLock } from "./batch-sql";

/** What one connection of the event writer knows about the store. */
export type BatchContext = {
  /** The key column compares bytewise (C collation), as JS compares ASCII keys, so a key range query is exact. */
  byteOrder: boolean;
  idSequence: string;
};

/** When a batch may open (its predecessor has), and how it tells its successor it has. */
export type OpeningTurn = { after: Promise<unknown>; done: () => void };

/** Temp tables of the staged path (one set per connection). */
export const CREATE_COPY_STAGE = [`CREATE TEMP TABLE IF NOT EXISTS lockboard_copy_event (LIKE "Event" INCLUDING DEFAULTS) ON COMMIT DELETE ROWS`];

/**
 * One batch in one transaction on `c`: which keys are stored already (one index range scan for a
 * file's zero-padded keys), the batch's incidents and entities (ids first, counts last), ids from
 * Event's sequence written into the encoded rows, then COPY straight into "Event" and
 * "EventEntity". When some keys are stored already, or another writer commits one meanwhile (the
 * COPY stops on it), the rows go through a temp table and `INSERT … ON CONFLICT DO NOTHING`, and
 * only what that inserted is linked and counted. Leaves the transaction open for the caller.
 */
export async function writeBatchIn(c: pg.Client, ctx: BatchContext, b: EncodedBatch, turn: OpeningTurn): Promise<StoreResult> {
  // A file's keys share a prefix and differ in a zero-padded offset: the range holds only this
  // batch's keys, and a first ingest answers with one index descent instead of a probe per event.
  const range = b.ascending && ctx.byteOrder && b.length > 0;
  let start: string[];
  let head: string[];
  let results: pg.QueryResult[];
  // One round trip opens the transaction, checks the source, takes ids and finds the stored keys.
  // Batches open in the order they were handed in, so ids follow read order across connections;
  // the next may open once this one has, whatever happened to it.
  try {
    start = batchStartStatements(b.sourceId);
    head = ["BEGIN", ...start, "SAVEPOINT direct", idsStatement(c, ctx.idSequence, b.length)];
    if (range) head.push(`SELECT "eventKey" AS k FROM "Event" WHERE "eventKey" BETWEEN ${c.escapeLiteral(b.firstKey)} AND ${c.escapeLiteral(b.lastKey)}`);
    await turn.after;
    results = (await c.query(head.join(";\n"))) as unknown as pg.QueryResult[];
  } finally {
    turn.done();
  }
  if (results[start.length].rowCount === 0) throw sourceMissing(b.sourceId);
  if (b.length === 0) return { inserted: 0, duplicates: 0, incidents: 0 };
  await setIds(c, ctx.idSequence, b, results[start.length + 2].rows[0]);
  // Without a usable range (keys out of order, or a collation that is not bytewise) the count is
  // unknown: the staged path finds out row by row.
  const stored = range ? storedInRange(b, results[head.length - 1].rows) : b.keys ? await countStored(c, b.keys) : -1;
  if (stored === b.length) return { inserted: 0, duplicates: b.length, incidents: 0 };
  if (stored === 0) {
    try {
      const ids = await resolveIn(c, b);
      await copyBinary(c, `COPY "Event" (${EVENT_COLUMNS}) FROM STDIN`, b.rows);
      const res = await finishIn(c, b, ids, null);
      await c.query("RELEASE SAVEPOINT direct");
      return res;
    } catch (err) {
      if ((err as { code?: string }).code !== "23505") throw err;
      await c.query("ROLLBACK TO SAVEPOINT direct");
    }
  }
  const ids = await resolveIn(c, b);
  return finishIn(c, b, ids, await insertStaged(c, b));
}

/**
 * How many of the batch's keys the range holds. The range may also hold keys this batch does not
 * have (the file read before with other options, its records starting elsewhere), so each key is
 * looked up; the keys are read back from the rows only when the range holds any.
 */
function storedInRange(b: EncodedBatch, rows: { k: string }[]): number {
  if (rows.length === 0) return 0;
  const inRange = new Set(rows.map((r) => r.k));
  let n = 0;
  for (let i = 0; i < b.length; i++) if (inRange.has(b.keyAt(i))) n++;
  return n;
}

const countStored = async (c: pg.Client, keys: string[]) =>
  (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Event" WHERE "eventKey" = ANY($1::text[])`, [keys])).rows[0].n;

/** The rows through the temp table: inserts those whose key is not stored and says which they were. */
async function insertStaged(c: pg.Client, b: EncodedBatch): Promise<Uint8Array> {
  // One staged writer per source at a time (whichever entry point wrote), so its count of what is new holds.
  // The source row is checked and locked already: the batch's first round trip did that.
  await takeSourceWriteLock(runnerOn(c), b.sourceId);
  await copyBinary(c, `COPY lockboard_copy_event (${EVENT_COLUMNS}) FROM STDIN`, b.rows);
  const { rows } = await c.query<{ id: string }>(
    // By key alone: the unique key also holds the partition columns, and a line without its own time
    // is given the time it was read, which differs on every read.
    `WITH ins AS (
       INSERT INTO "Event" (${EVENT_COLUMNS}) SELECT ${EVENT_COLUMNS} FROM lockboard_copy_event s
       WHERE NOT EXISTS (SELECT 1 FROM "Event" e WHERE e."eventKey" = s."eventKey")
       ORDER BY id
       ON CONFLICT DO NOTHING RETURNING id)
     SELECT id::text FROM ins`,
  );
  const rowOf = new Map<number, number>();
  for (let i = 0; i < b.length; i++) rowOf.set(b.idOf(i), i);
  const fresh = new Uint8Array(b.length);
  for (const r of rows) fresh[rowOf.get(Number(r.id))!] = 1;
  return fresh;
}

type Resolved = { entityIds: number[]; createdEntities: Set<number>; incidents: IncidentRows; entities: EntityRows };

/**
 * The batch's incidents and entities, by id (new ones inserted: incidents with count 0, entities
 * with their span), the incident ids written into the rows.
 */
async function resolveIn(c: pg.Client, b: EncodedBatch): Promise<Resolved> {
  const inc = incidentRowsOf(b, null);
  const ent = entityRowsOf(b, null);
  if (inc.fps.length > 0) {
    const { idOf } = await resolveIds(
      c,
      RESOLVE_INCIDENTS,
      [inc.fps, inc.kinds, inc.titles, b.sourceId, inc.firsts, inc.lasts, inc.subjects],
      SELECT_INCIDENTS,
      [inc.fps],
      (r) => r.fingerprint as string,
      inc.fps.length,
    );
    const idOfIndex = b.incidents.map((x) => idOf.get(x.fingerprint)!);
    for (let i = 0; i < b.length; i++) if (b.incidentAt.a[i] >= 0) b.rows.setInt4(b.incidentAt.a[i], idOfIndex[b.incidentOf.a[i]]);
  }
  if (b.entities.length === 0) return { entityIds: [], createdEntities: new Set(), incidents: inc, entities: ent };
  const { idOf, fresh } = await resolveIds(
    c,
    RESOLVE_ENTITIES,
    [ent.types, ent.values, ent.firsts, ent.lasts],
    SELECT_ENTITIES,
    [ent.types, ent.values],
    (r) => entityKey(r.type as string, r.value as string),
    ent.types.length,
  );
  return { entityIds: b.entities.map((en) => idOf.get(entityKey(en.type, en.value))!), createdEntities: fresh, incidents: inc, entities: ent };
}

/**
 * The links of the inserted rows (all, or those `fresh` marks), then the counts and spans of what
 * was inserted: the incident and entity rows stay locked only until this transaction commits.
 */
async function finishIn(c: pg.Client, b: EncodedBatch, r: Resolved, fresh: Uint8Array | null): Promise<StoreResult> {
  const inserted = fresh ? fresh.reduce((n, f) => n + f, 0) : b.length;
  if (inserted === 0) return { inserted: 0, duplicates: b.length, incidents: 0 };
  if (b.linkRow.n > 0) {
    const links = new RowBuffer();
    for (let j = 0; j < b.linkRow.n; j++) {
      const row = b.linkRow.a[j];
      if (fresh && !fresh[row]) continue;
      links.row(5);
      links.int8(b.idOf(row));
      links.int4(r.entityIds[b.linkEntity.a[j]]);
      const role = b.linkRole[j];
      if (role) links.text(role);
      else links.nul();
      links.time(b.time.a[row]);
      links.bool(b.noise.a[row] === 1);
    }
    if (links.len > 0) await copyBinary(c, `COPY "EventEntity" ("eventId","entityId","role","occurredAt","noise") FROM STDIN`, links);
  }
  const inc = fresh ? incidentRowsOf(b, fresh) : r.incidents;
  if (inc.fps.length > 0)
    await c.query(UPSERT_INCIDENTS, [
      b.sourceId,
      inc.fps,
      inc.kinds,
      inc.titles,
      inc.firsts,
      inc.lasts,
      inc.counts,
      inc.minuteFps,
      inc.minutes,
      inc.minuteCounts,
      inc.subjects,
    ]);
  const seen = fresh ? entityRowsOf(b, fresh) : r.entities;
  const widen = { ids: [] as number[], firsts: [] as string[], lasts: [] as string[] };
  for (let j = 0; j < seen.index.length; j++) {
    const id = r.entityIds[seen.index[j]];
    if (r.createdEntities.has(id)) continue; // inserted by this batch with its span already
    widen.ids.push(id);
    widen.firsts.push(seen.firsts[j]);
    widen.lasts.push(seen.lasts[j]);
  }
  if (widen.ids.length > 0) {
    await c.query(WIDEN_ENTITIES, [widen.ids, widen.firsts, widen.lasts]);
    // Pruned since this batch found it: written again (the writer retries a 40001), storing it anew.
    const [{ n }] = (await c.query<{ n: number }>(MISSING_ENTITIES, [widen.ids])).rows;
    if (n > 0) throw Object.assign(new Error(`ingest: ${n} entities of this batch were pruned while it was written`), { code: "40001" });
  }
  return { inserted, duplicates: b.length - inserted, incidents: inc.fps.length };
}

/** Ids by key; `fresh` holds the ids this statement inserted (RESOLVE_ENTITIES says which). */
async function resolveIds(
  c: pg.Client,
  resolve: string,
  params: unknown[],
  reselect: string,
  reselectParams: unknown[],
  keyOf: (row: Record<string, unknown>) => string,
  want: number,
): Promise<{ idOf: Map<string, number>; fresh: Set<number> }> {
  const idOf = new Map<string, number>();
  const fresh = new Set<number>();
  // A second round when a row was deleted while this one waited on it (an entity the retention
  // pass pruned): the resolve then inserts it anew.
  for (let round = 0; round < 3 && idOf.size < want; round++) {
    for (const row of (await c.query(resolve, params)).rows) {
      idOf.set(keyOf(row), row.id as number);
      if (row.fresh === true) fresh.add(row.id as number);
    }
    // Inserted and committed by another writer while this statement waited on it: not in its snapshot.
    if (idOf.size < want) for (const row of (await c.query(reselect, reselectParams)).rows) idOf.set(keyOf(row), row.id as number);
  }
  if (idOf.size < want) throw new Error(`ingest: ${want - idOf.size} of ${want} incident or entity ids could not be resolved`);
  return { idOf, fresh };
}

/**
 * Ids from Event's sequence, one per event of the batch, taken up front so entity links need no
 * lookup of the new rows. They come back as one range unless another session drew from the
 * sequence meanwhile; then the exact list is taken (rare; ids never used are only a gap).
 */
function idsStatement(c: pg.Client, idSequence: string, n: number): string {
  return `SELECT min(v)::text AS lo, max(v)::text AS hi FROM (SELECT nextval(${c.escapeLiteral(idSequence)}::regclass) AS v FROM generate_series(1, ${Math.trunc(n)})) s`;
}

/** Writes the batch's ids into its rows, in read order. */
async function setIds(c: pg.Client, idSequence: string, b: EncodedBatch, row: { lo: string | null; hi: string | null }): Promise<void> {
  const n = b.length;
  const lo = Number(row.lo);
  let at = (i: number) => lo + i;
  if (Number(row.hi) - lo + 1 !== n) {
    const all = await c.query<{ v: string }>(`SELECT nextval($1::regclass)::text AS v FROM generate_series(1, $2::int)`, [idSequence, n]);
    const list = all.rows.map((x) => Number(x.v)).sort((x, y) => x - y);
    at = (i) => list[i];
  }
  for (let i = 0; i < n; i++) b.rows.setInt8(b.idAt.a[i], at(i));
}

/** The batch-sql.ts helpers on one of the writer's connections. */
export const runnerOn = (c: pg.Client): SqlRunner => ({ exec: async (text, params) => (await c.query(text, params)).rowCount ?? 0 });
