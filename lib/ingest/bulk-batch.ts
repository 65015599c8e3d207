import "server-only";
import type pg from "pg";
import { type BinaryRows, copyBinary } from "./copy-binary";
import { copyJson, copyRows, copyText, copyTime } from "./copy-encode";
import { entityKey, entityRowsOf, incidentRowsOf, RESOLVE_ENTITIES, RESOLVE_INCIDENTS, SELECT_ENTITIES, SELECT_INCIDENTS, UPSERT_ENTITIES, UPSERT_INCIDENTS } from "./bulk-sql";
import type { NormalizedEvent } from "./store-events";
import { opensIncident } from "./store-events";
import { batchStartStatements, moveStaged, type SqlRunner, sourceMissing, type StoreResult } from "./store-sql";

const EVENT_COPY = `COPY "Event" ("id","eventKey","sourceId","occurredAt","kind","severity","message","fingerprint","raw","fields","incidentId") FROM STDIN`;

/** What one connection of the bulk writer knows about the store. */
export type BatchContext = {
  /** The key column compares bytewise (C collation), as JS compares ASCII keys, so a key range query is exact. */
  byteOrder: boolean;
  idSequence: string;
};

/** The i-th new event's id. */
type Ids = { at: (i: number) => number };

function writeEventRows(out: BinaryRows, events: NormalizedEvent[], ids: Ids, incidentIds: (number | undefined)[], sourceId: number): void {
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const inc = incidentIds[i];
    out.row(11);
    out.int8(ids.at(i));
    out.text(e.eventKey);
    out.int4(sourceId);
    out.time(e.occurredAt);
    out.text(e.kind);
    out.text(e.severity);
    out.text(e.message);
    out.text(e.fingerprint);
    out.text(e.raw);
    out.json(e.fields);
    if (inc === undefined) out.nul();
    else out.int4(inc);
  }
}

/**
 * One batch in one transaction on `c`: which keys are stored already (one index range scan for a
 * file's zero-padded keys), the new events' incidents and entities (ids first, counts last), ids
 * from Event's sequence, then COPY straight into "Event" and "EventEntity". A key committed by
 * another writer meanwhile stops the COPY; the batch is then redone through the stage tables,
 * whose INSERT … ON CONFLICT skips it. Leaves the transaction open for the caller to commit.
 */
export async function writeBatchIn(c: pg.Client, ctx: BatchContext, sourceId: number, batch: NormalizedEvent[], ascending: boolean, turn: OpeningTurn): Promise<StoreResult> {
  // A file's keys share a prefix and differ in a zero-padded offset: the range holds only this
  // batch's keys, and a first ingest answers with one index descent instead of a probe per event.
  // (Should byte order and JS order disagree on a key, the COPY meets it and the staged path runs.)
  const range = ascending && ctx.byteOrder && batch.length > 0 ? [batch[0].eventKey, batch[batch.length - 1].eventKey] : null;
  let start: string[];
  let head: string[];
  let results: pg.QueryResult[];
  // One round trip opens the transaction, checks the source, takes ids and finds the stored keys.
  // Batches open in the order they were handed in, so ids follow read order across connections;
  // the next may open once this one has, whatever happened to it.
  try {
    start = batchStartStatements(sourceId);
    head = ["BEGIN", ...start, "SAVEPOINT direct", idsStatement(c, ctx.idSequence, batch.length)];
    if (range) head.push(`SELECT "eventKey" AS k FROM "Event" WHERE "eventKey" BETWEEN ${c.escapeLiteral(range[0])} AND ${c.escapeLiteral(range[1])}`);
    await turn.after;
    results = (await c.query(head.join(";\n"))) as unknown as pg.QueryResult[];
  } finally {
    turn.done();
  }
  if (results[start.length].rowCount === 0) throw sourceMissing(sourceId);
  const ids = await idsFrom(c, ctx.idSequence, batch.length, results[start.length + 2].rows[0]);
  const stored = range
    ? new Set(results[head.length - 1].rows.map((x) => x.k as string))
    : batch.length === 0
      ? new Set<string>()
      : new Set((await c.query<{ k: string }>(`SELECT "eventKey" AS k FROM "Event" WHERE "eventKey" = ANY($1::text[])`, [batch.map((e) => e.eventKey)])).rows.map((x) => x.k));
  try {
    const res = await writeDirect(c, sourceId, batch, stored, ids);
    await c.query("RELEASE SAVEPOINT direct");
    return res;
  } catch (err) {
    if ((err as { code?: string }).code !== "23505") throw err;
    await c.query("ROLLBACK TO SAVEPOINT direct");
    return writeStaged(c, sourceId, batch);
  }
}

/** When a batch may open (its predecessor has), and how it tells its successor it has. */
export type OpeningTurn = { after: Promise<unknown>; done: () => void };

async function resolveIds(c: pg.Client, resolve: string, params: unknown[], reselect: string, reselectParams: unknown[], keyOf: (row: Record<string, unknown>) => string, want: number): Promise<Map<string, number>> {
  const idOf = new Map<string, number>();
  for (const row of (await c.query(resolve, params)).rows) idOf.set(keyOf(row), row.id as number);
  // Inserted and committed by another writer while this statement waited on it: not in its snapshot.
  if (idOf.size < want) for (const row of (await c.query(reselect, reselectParams)).rows) idOf.set(keyOf(row), row.id as number);
  return idOf;
}

async function writeDirect(c: pg.Client, sourceId: number, batch: NormalizedEvent[], stored: Set<string>, batchIds: Ids): Promise<StoreResult> {
  const fresh = stored.size === 0 ? batch : batch.filter((e) => !stored.has(e.eventKey));
  // One id per event of the batch was taken; stored ones leave a gap.
  const ids: Ids = fresh === batch ? batchIds : idsOfFresh(batch, stored, batchIds);
  if (fresh.length === 0) return { inserted: 0, duplicates: batch.length, incidents: 0 };

  const inc = incidentRowsOf(fresh);
  const incidentIdOf =
    inc.fps.length === 0
      ? new Map<string, number>()
      : await resolveIds(c, RESOLVE_INCIDENTS, [inc.fps, inc.kinds, inc.titles, sourceId, inc.firsts, inc.lasts], SELECT_INCIDENTS, [inc.fps], (r) => r.fingerprint as string, inc.fps.length);
  const incidentIds = fresh.map((e) => (opensIncident(e) ? incidentIdOf.get(e.fingerprint) : undefined));
  const ent = entityRowsOf(fresh);
  const entityIdOf =
    ent.types.length === 0
      ? new Map<string, number>()
      : await resolveIds(c, RESOLVE_ENTITIES, [ent.types, ent.values, ent.firsts, ent.lasts], SELECT_ENTITIES, [ent.types, ent.values], (r) => entityKey(r.type as string, r.value as string), ent.types.length);

  await copyBinary(c, EVENT_COPY, (out) => writeEventRows(out, fresh, ids, incidentIds, sourceId));
  if (ent.types.length > 0) {
    await copyBinary(c, `COPY "EventEntity" ("eventId","entityId","role") FROM STDIN`, (out) =>
      ent.forEachLink(entityIdOf, (i, entityId, role) => {
        out.row(3);
        out.int8(ids.at(i));
        out.int4(entityId);
        if (role) out.text(role);
        else out.nul();
      }),
    );
  }
  // Counts and first/last seen last: the rows stay locked only until this transaction commits.
  if (inc.fps.length > 0) await c.query(UPSERT_INCIDENTS, [sourceId, inc.fps, inc.kinds, inc.titles, inc.firsts, inc.lasts, inc.counts, inc.minuteFps, inc.minutes, inc.minuteCounts]);
  if (ent.types.length > 0) await c.query(UPSERT_ENTITIES, [ent.types, ent.values, ent.firsts, ent.lasts]);
  return { inserted: fresh.length, duplicates: batch.length - fresh.length, incidents: inc.fps.length };
}

function idsOfFresh(batch: NormalizedEvent[], stored: Set<string>, batchIds: Ids): Ids {
  const list: number[] = [];
  for (let i = 0; i < batch.length; i++) if (!stored.has(batch[i].eventKey)) list.push(batchIds.at(i));
  return { at: (i) => list[i] };
}

/**
 * Ids from Event's sequence, one per event of the batch, taken up front so entity links need no
 * lookup of the new rows. They come back as one range unless another session drew from the
 * sequence meanwhile; then the exact list is taken (rare; ids never used are only a gap).
 */
function idsStatement(c: pg.Client, idSequence: string, n: number): string {
  return `SELECT min(v)::text AS lo, max(v)::text AS hi FROM (SELECT nextval(${c.escapeLiteral(idSequence)}::regclass) AS v FROM generate_series(1, ${Math.trunc(n)})) s`;
}

async function idsFrom(c: pg.Client, idSequence: string, n: number, row: { lo: string | null; hi: string | null }): Promise<Ids> {
  const lo = Number(row.lo);
  if (n === 0 || Number(row.hi) - lo + 1 === n) return { at: (i) => lo + i };
  const all = await c.query<{ v: string }>(`SELECT nextval($1::regclass)::text AS v FROM generate_series(1, $2::int)`, [idSequence, n]);
  const list = all.rows.map((x) => Number(x.v)).sort((a, b) => a - b);
  return { at: (i) => list[i] };
}

function* stageEventRows(events: NormalizedEvent[]): Generator<string> {
  for (const e of events) {
    yield `${copyText(e.eventKey)}\t${copyTime(e.occurredAt)}\t${copyText(e.kind)}\t${copyText(e.severity)}\t${copyText(e.message)}\t${copyText(e.fingerprint)}\t${copyText(e.title)}\t${opensIncident(e) ? "t" : "f"}\t${copyText(e.raw)}\t${copyJson(e.fields)}\n`;
  }
}

function* stageEntityRows(events: NormalizedEvent[]): Generator<string> {
  for (const e of events) {
    for (const en of e.entities) yield `${copyText(e.eventKey)}\t${copyText(en.type)}\t${copyText(en.value)}\t${en.role ? copyText(en.role) : "\\N"}\t${copyTime(e.occurredAt)}\n`;
  }
}

/** The shared SQL helpers (store-sql.ts) on one of the writer's connections. */
export const runnerOn = (c: pg.Client): SqlRunner => ({ exec: async (text, params) => (await c.query(text, params)).rowCount ?? 0 });

/** The shared path of storeEvents: stage tables, then set-based moves with ON CONFLICT. */
async function writeStaged(c: pg.Client, sourceId: number, batch: NormalizedEvent[]): Promise<StoreResult> {
  const sql = runnerOn(c);
  await copyRows(c, `COPY lockboard_stage_event (k, t, kind, sev, msg, fp, title, opens, raw, f) FROM STDIN`, stageEventRows(batch));
  const hasEntities = batch.some((e) => e.entities.length > 0);
  if (hasEntities) await copyRows(c, `COPY lockboard_stage_entity (k, typ, val, role, t) FROM STDIN`, stageEntityRows(batch));
  return moveStaged(sql, sourceId, batch.length, hasEntities);
}
