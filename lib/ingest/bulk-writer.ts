import "server-only";
import pg from "pg";
import { type BinaryRows, copyBinary } from "./copy-binary";
import { copyJson, copyRows, copyText, copyTime } from "./copy-encode";
import type { NormalizedEvent } from "./store-events";
import { opensIncident, uniqueByKey } from "./store-events";
import { type Checkpoint, checkpointStatement, CREATE_STAGE, lockSourceStatements, moveStaged, type SqlRunner, sourceMissing, type StoreResult } from "./store-sql";
import { entityRowsOf, incidentRowsOf, UPSERT_ENTITIES, UPSERT_INCIDENTS } from "./bulk-sql";

const EVENT_COPY = `COPY "Event" ("id","eventKey","sourceId","occurredAt","kind","severity","message","fingerprint","raw","fields","incidentId") FROM STDIN`;

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

/** Whether keys strictly increase (so they are distinct), in one pass and no set. */
function strictlyAscending(events: NormalizedEvent[]): boolean {
  for (let i = 1; i < events.length; i++) if (!(events[i - 1].eventKey < events[i].eventKey)) return false;
  return true;
}

/** The i-th new event's id. */
type Ids = { at: (i: number) => number };

/**
 * The fast path into the store for files. Under the source's writer lock, one batch is: which of
 * its keys are stored already (one index range scan for a file's zero-padded keys), the incidents
 * and per-minute counts of the new events (computed here, one upsert), ids from Event's sequence,
 * then COPY straight into "Event" and "EventEntity": no stage table, no per-row ON CONFLICT.
 * Uses its own connection (COPY needs the raw protocol, which Prisma does not expose).
 */
export class BulkEventWriter {
  private constructor(
    private readonly client: pg.Client,
    /** The key column compares bytewise (C collation), as JS compares ASCII keys, so a key range query is exact. */
    private readonly byteOrder: boolean,
    private readonly idSequence: string,
  ) {}

  static async open(databaseUrl = process.env.DATABASE_URL): Promise<BulkEventWriter> {
    if (!databaseUrl) throw new Error("DATABASE_URL is not set: point it at Lockboard's store");
    const client = new pg.Client({ connectionString: databaseUrl, application_name: "lockboard-ingest" });
    await client.connect();
    for (const c of CREATE_STAGE) await client.query(c);
    const { rows } = await client.query<{ c: boolean; seq: string }>(
      `SELECT coalesce(a.attcollation = 950 OR (a.attcollation = 100 AND d.datcollate IN ('C', 'POSIX')), false) AS c,
              pg_get_serial_sequence('"Event"', 'id') AS seq
       FROM pg_attribute a, pg_database d
       WHERE a.attrelid = '"Event"'::regclass AND a.attname = 'eventKey' AND d.datname = current_database()`,
    );
    return new BulkEventWriter(client, rows[0]?.c === true, rows[0].seq);
  }

  async write(sourceId: number, events: NormalizedEvent[], checkpoint?: Checkpoint): Promise<StoreResult> {
    // A file's events come in read order with distinct keys; other batches may repeat a key.
    const ascending = strictlyAscending(events);
    const batch = ascending ? events : uniqueByKey(events);
    const c = this.client;
    // A file's keys share a prefix and differ in a zero-padded offset: the range holds only this
    // batch's keys, and a first ingest answers with one index descent instead of a probe per event.
    // (Should byte order and JS order disagree on a key, the COPY meets it and the staged path runs.)
    const range = ascending && this.byteOrder && batch.length > 0 ? [batch[0].eventKey, batch[batch.length - 1].eventKey] : null;
    // One round trip opens the transaction, takes the source's lock and finds the stored keys.
    const lock = lockSourceStatements(sourceId);
    const head = ["BEGIN", ...lock, "SAVEPOINT direct"];
    if (range) head.push(`SELECT "eventKey" AS k FROM "Event" WHERE "eventKey" BETWEEN ${c.escapeLiteral(range[0])} AND ${c.escapeLiteral(range[1])}`);
    try {
      const results = (await c.query(head.join(";\n"))) as unknown as pg.QueryResult<{ k: string }>[];
      if (results[lock.length].rowCount === 0) throw sourceMissing(sourceId); // the lock's last statement finds the source row
      const stored = range ? new Set(results[head.length - 1].rows.map((x) => x.k)) : await this.storedKeys(batch);
      let res: StoreResult;
      const tail: string[] = [];
      try {
        res = await this.writeDirect(sourceId, batch, stored);
        tail.push("RELEASE SAVEPOINT direct");
      } catch (err) {
        // A key stored by a writer that does not take the source lock: redo the batch through the
        // stage tables, whose INSERT … ON CONFLICT skips it.
        if ((err as { code?: string }).code !== "23505") throw err;
        await c.query("ROLLBACK TO SAVEPOINT direct");
        res = await this.writeStaged(sourceId, batch);
      }
      if (checkpoint) tail.push(checkpointStatement(sourceId, checkpoint, (x) => c.escapeLiteral(x)));
      tail.push("COMMIT");
      await c.query(tail.join(";\n"));
      return { ...res, duplicates: res.duplicates + events.length - batch.length };
    } catch (err) {
      await c.query("ROLLBACK").catch(() => {});
      throw err;
    }
  }

  /** Which of a batch's keys are stored, one probe per key (keys out of order, or a collation that is not bytewise). */
  private async storedKeys(batch: NormalizedEvent[]): Promise<Set<string>> {
    if (batch.length === 0) return new Set();
    const r = await this.client.query<{ k: string }>(`SELECT "eventKey" AS k FROM "Event" WHERE "eventKey" = ANY($1::text[])`, [batch.map((e) => e.eventKey)]);
    return new Set(r.rows.map((x) => x.k));
  }

  private async writeDirect(sourceId: number, batch: NormalizedEvent[], stored: Set<string>): Promise<StoreResult> {
    const c = this.client;
    const fresh = stored.size === 0 ? batch : batch.filter((e) => !stored.has(e.eventKey));
    if (fresh.length === 0) return { inserted: 0, duplicates: batch.length, incidents: 0 };

    const inc = incidentRowsOf(fresh);
    const incidentIdOf = new Map<string, number>();
    if (inc.fps.length > 0) {
      const r = await c.query<{ id: number; fingerprint: string }>(UPSERT_INCIDENTS, [sourceId, inc.fps, inc.kinds, inc.titles, inc.firsts, inc.lasts, inc.counts, inc.minuteFps, inc.minutes, inc.minuteCounts]);
      for (const row of r.rows) incidentIdOf.set(row.fingerprint, row.id);
    }
    const incidentIds = fresh.map((e) => (opensIncident(e) ? incidentIdOf.get(e.fingerprint) : undefined));
    const ids = await this.takeIds(fresh.length);
    await copyBinary(c, EVENT_COPY, (out) => writeEventRows(out, fresh, ids, incidentIds, sourceId));

    const ent = entityRowsOf(fresh);
    if (ent.types.length > 0) {
      const r = await c.query<{ id: number; type: string; value: string }>(UPSERT_ENTITIES, [ent.types, ent.values, ent.firsts, ent.lasts]);
      const entityIdOf = new Map<string, number>();
      for (const row of r.rows) entityIdOf.set(`${row.type}\u0000${row.value}`, row.id);
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
    return { inserted: fresh.length, duplicates: batch.length - fresh.length, incidents: inc.fps.length };
  }

  /**
   * Ids from Event's sequence, taken before the COPY so entity links need no lookup of the new
   * rows. They come back as one range unless another session drew from the sequence meanwhile.
   */
  private async takeIds(n: number): Promise<Ids> {
    const r = await this.client.query<{ lo: string; hi: string }>(
      `SELECT min(v)::text AS lo, max(v)::text AS hi FROM (SELECT nextval($1::regclass) AS v FROM generate_series(1, $2::int)) s`,
      [this.idSequence, n],
    );
    const lo = Number(r.rows[0].lo);
    if (Number(r.rows[0].hi) - lo + 1 === n) return { at: (i) => lo + i };
    // Interleaved with another writer: the exact list (rare). Never taken ids are only a gap.
    const all = await this.client.query<{ v: string }>(`SELECT nextval($1::regclass)::text AS v FROM generate_series(1, $2::int)`, [this.idSequence, n]);
    const list = all.rows.map((x) => Number(x.v)).sort((a, b) => a - b);
    return { at: (i) => list[i] };
  }

  /** The shared path of storeEvents: stage tables, then set-based moves with ON CONFLICT. */
  private async writeStaged(sourceId: number, batch: NormalizedEvent[]): Promise<StoreResult> {
    const c = this.client;
    const sql: SqlRunner = { exec: async (text, params) => (await c.query(text, params)).rowCount ?? 0 };
    await copyRows(c, `COPY lockboard_stage_event (k, t, kind, sev, msg, fp, title, opens, raw, f) FROM STDIN`, stageEventRows(batch));
    const hasEntities = batch.some((e) => e.entities.length > 0);
    if (hasEntities) await copyRows(c, `COPY lockboard_stage_entity (k, typ, val, role, t) FROM STDIN`, stageEntityRows(batch));
    return moveStaged(sql, sourceId, batch.length, hasEntities);
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
