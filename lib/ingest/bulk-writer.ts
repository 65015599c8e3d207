import "server-only";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { NormalizedEvent } from "./store-events";
import { opensIncident, uniqueByKey } from "./store-events";
import { type Checkpoint, CREATE_STAGE, moveStaged, pgJson, pgText, saveCheckpointIn, type SqlRunner, type StoreResult } from "./store-sql";

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/** A value in COPY's text format. */
function copyText(s: string): string {
  const t = pgText(s);
  return NEEDS_ESCAPE.test(t) ? t.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]) : t;
}

function* eventRows(events: NormalizedEvent[]): Generator<string> {
  let chunk = "";
  for (const e of events) {
    chunk += `${copyText(e.eventKey)}\t${e.occurredAt.toISOString()}\t${copyText(e.kind)}\t${e.severity}\t${copyText(e.message)}\t${e.fingerprint}\t${copyText(e.title)}\t${opensIncident(e) ? "t" : "f"}\t${copyText(e.raw)}\t${copyText(pgJson(e.fields))}\n`;
    if (chunk.length > 256 * 1024) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk) yield chunk;
}

function* entityRows(events: NormalizedEvent[]): Generator<string> {
  let chunk = "";
  for (const e of events) {
    for (const en of e.entities) chunk += `${copyText(e.eventKey)}\t${copyText(en.type)}\t${copyText(en.value)}\t${en.role ? copyText(en.role) : "\\N"}\t${e.occurredAt.toISOString()}\n`;
    if (chunk.length > 256 * 1024) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk) yield chunk;
}

/**
 * The fast path into the store for files: each batch is streamed with COPY into session temp
 * tables and moved by the same statements as storeEvents, in one transaction with its checkpoint.
 * Uses its own connection (COPY needs the raw protocol, which Prisma does not expose).
 */
export class BulkEventWriter {
  private constructor(private readonly client: pg.Client) {}

  static async open(databaseUrl = process.env.DATABASE_URL): Promise<BulkEventWriter> {
    if (!databaseUrl) throw new Error("DATABASE_URL is not set: point it at Lockboard's store");
    const client = new pg.Client({ connectionString: databaseUrl, application_name: "lockboard-ingest" });
    await client.connect();
    for (const c of CREATE_STAGE) await client.query(c);
    return new BulkEventWriter(client);
  }

  async write(sourceId: number, events: NormalizedEvent[], checkpoint?: Checkpoint): Promise<StoreResult> {
    const batch = uniqueByKey(events);
    const sql: SqlRunner = { exec: async (text, params) => (await this.client.query(text, params)).rowCount ?? 0 };
    await this.client.query("BEGIN");
    try {
      await pipeline(Readable.from(eventRows(batch)), this.client.query(copyFrom(`COPY lockboard_stage_event (k, t, kind, sev, msg, fp, title, opens, raw, f) FROM STDIN`)));
      const hasEntities = batch.some((e) => e.entities.length > 0);
      if (hasEntities) await pipeline(Readable.from(entityRows(batch)), this.client.query(copyFrom(`COPY lockboard_stage_entity (k, typ, val, role, t) FROM STDIN`)));
      const res = await moveStaged(sql, sourceId, batch.length, hasEntities);
      if (checkpoint) await saveCheckpointIn(sql, sourceId, checkpoint);
      await this.client.query("COMMIT");
      return { ...res, duplicates: res.duplicates + events.length - batch.length };
    } catch (err) {
      await this.client.query("ROLLBACK").catch(() => {});
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
