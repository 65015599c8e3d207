import "server-only";
import pg from "pg";
import { copyJson, copyRows, copyText, copyTime } from "./copy-encode";
import type { NormalizedEvent } from "./store-events";
import { opensIncident, uniqueByKey } from "./store-events";
import { type Checkpoint, CREATE_STAGE, lockSourceForWrite, moveStaged, saveCheckpointIn, type SqlRunner, type StoreResult } from "./store-sql";
import { entityRowsOf, incidentRowsOf, UPSERT_ENTITIES, UPSERT_INCIDENTS } from "./bulk-sql";

function* eventRows(events: NormalizedEvent[], ids: string[], incidentIds: (number | undefined)[], sourceId: number): Generator<string> {
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const inc = incidentIds[i];
    yield `${ids[i]}\t${copyText(e.eventKey)}\t${sourceId}\t${copyTime(e.occurredAt)}\t${copyText(e.kind)}\t${copyText(e.severity)}\t${copyText(e.message)}\t${copyText(e.fingerprint)}\t${copyText(e.raw)}\t${copyJson(e.fields)}\t${inc === undefined ? "\\N" : inc}\n`;
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

const ASCII = /^[\x20-\x7e]*$/;

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
    /** Byte order equals JS string order for ASCII keys, so a key range query is exact. */
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
    const batch = uniqueByKey(events);
    const c = this.client;
    const sql: SqlRunner = { exec: async (text, params) => (await c.query(text, params)).rowCount ?? 0 };
    await c.query("BEGIN");
    try {
      await lockSourceForWrite(sql, sourceId);
      let res: StoreResult;
      try {
        await c.query("SAVEPOINT direct");
        res = await this.writeDirect(sourceId, batch);
        await c.query("RELEASE SAVEPOINT direct");
      } catch (err) {
        // A key stored by a writer that does not take the source lock: redo the batch through the
        // stage tables, whose INSERT … ON CONFLICT skips it.
        if ((err as { code?: string }).code !== "23505") throw err;
        await c.query("ROLLBACK TO SAVEPOINT direct");
        res = await this.writeStaged(sourceId, batch);
      }
      if (checkpoint) await saveCheckpointIn(sql, sourceId, checkpoint);
      await c.query("COMMIT");
      return { ...res, duplicates: res.duplicates + events.length - batch.length };
    } catch (err) {
      await c.query("ROLLBACK").catch(() => {});
      throw err;
    }
  }

  private async storedKeys(batch: NormalizedEvent[]): Promise<Set<string>> {
    if (batch.length === 0) return new Set();
    let lo = batch[0].eventKey;
    let hi = lo;
    let ascii = this.byteOrder;
    for (const e of batch) {
      const k = e.eventKey;
      if (k < lo) lo = k;
      if (k > hi) hi = k;
      if (ascii && !ASCII.test(k)) ascii = false;
    }
    // A file's keys share a prefix and differ in a zero-padded offset: the range holds only this
    // batch's keys, and a first ingest answers with one index descent instead of a probe per event.
    const r = ascii
      ? await this.client.query<{ k: string }>(`SELECT "eventKey" AS k FROM "Event" WHERE "eventKey" BETWEEN $1 AND $2`, [lo, hi])
      : await this.client.query<{ k: string }>(`SELECT "eventKey" AS k FROM "Event" WHERE "eventKey" = ANY($1::text[])`, [batch.map((e) => e.eventKey)]);
    return new Set(r.rows.map((x) => x.k));
  }

  private async writeDirect(sourceId: number, batch: NormalizedEvent[]): Promise<StoreResult> {
    const c = this.client;
    const stored = await this.storedKeys(batch);
    const fresh = stored.size === 0 ? batch : batch.filter((e) => !stored.has(e.eventKey));
    if (fresh.length === 0) return { inserted: 0, duplicates: batch.length, incidents: 0 };

    const inc = incidentRowsOf(fresh);
    const incidentIdOf = new Map<string, number>();
    if (inc.fps.length > 0) {
      const r = await c.query<{ id: number; fingerprint: string }>(UPSERT_INCIDENTS, [sourceId, inc.fps, inc.kinds, inc.titles, inc.firsts, inc.lasts, inc.counts, inc.minuteFps, inc.minutes, inc.minuteCounts]);
      for (const row of r.rows) incidentIdOf.set(row.fingerprint, row.id);
    }
    const incidentIds = fresh.map((e) => (opensIncident(e) ? incidentIdOf.get(e.fingerprint) : undefined));
    // Ids taken in read order before the COPY, so entity links need no lookup of the new rows.
    const seq = await c.query<{ id: string }>(`SELECT nextval($1::regclass)::text AS id FROM generate_series(1, $2::int)`, [this.idSequence, fresh.length]);
    const ids = seq.rows.map((x) => x.id).sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
    await copyRows(c, `COPY "Event" ("id","eventKey","sourceId","occurredAt","kind","severity","message","fingerprint","raw","fields","incidentId") FROM STDIN`, eventRows(fresh, ids, incidentIds, sourceId));

    const ent = entityRowsOf(fresh, ids);
    if (ent.types.length > 0) {
      const r = await c.query<{ id: number; type: string; value: string }>(UPSERT_ENTITIES, [ent.types, ent.values, ent.firsts, ent.lasts]);
      const entityIdOf = new Map<string, number>();
      for (const row of r.rows) entityIdOf.set(`${row.type}\u0000${row.value}`, row.id);
      await copyRows(c, `COPY "EventEntity" ("eventId","entityId","role") FROM STDIN`, ent.links(entityIdOf));
    }
    return { inserted: fresh.length, duplicates: batch.length - fresh.length, incidents: inc.fps.length };
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
