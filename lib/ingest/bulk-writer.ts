import "server-only";
import pg from "pg";
import { type BatchContext, CREATE_COPY_STAGE, type OpeningTurn, runnerOn, writeBatchIn } from "./bulk-batch";
import { EncodedBatch } from "./encoded-batch";
import type { NormalizedEvent } from "./store-events";
import { uniqueByKey } from "./store-events";
import { type Checkpoint, saveCheckpointIn, type StoreResult } from "./store-sql";

/** Connections that write batches side by side (default 2): the store's work on one overlaps the other's. */
function lanesFromEnv(value: string | undefined): number {
  if (value === undefined || value === "") return 2;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 16) throw new Error(`LOCKBOARD_INGEST_CONNECTIONS must be a whole number from 1 to 16, got "${value}"`);
  return n;
}
const RETRIES = 5;

type Lane = { client: pg.Client; idle: Promise<unknown> };

/** Checkpoints of one stream, saved in the order their batches were handed in. */
type StreamOrder = { next: number; done: Map<number, Checkpoint | null>; saved: number; saving: Promise<void> };

/**
 * The fast path into the store for files (COPY needs the raw protocol, which Prisma does not
 * expose). Batches go to its connections in turn, each batch one transaction (bulk-batch.ts), so
 * up to `lanes` batches are written at once; a deadlock between them (PostgreSQL detects it and
 * cancels one) retries that batch. A checkpoint is saved once every batch handed in before it has
 * committed, in a short transaction of its own: it never passes what is stored, and what it lags
 * behind a crash is read again and recognised by key.
 */
export class BulkEventWriter {
  /** Round robin over the connections. */
  private nextLane = 0;
  /** Resolves once the latest batch handed in has opened its transaction. */
  private opened: Promise<unknown> = Promise.resolve();
  private readonly streams = new Map<string, StreamOrder>();
  /** Row buffers of batches written, for the next batches (one per connection, and the one being filled). */
  private readonly spare: Buffer[] = [];

  private constructor(
    private readonly lanes: Lane[],
    private readonly ctx: BatchContext,
  ) {}

  /** How many batches may be in flight at once. */
  get inFlight(): number {
    return this.lanes.length;
  }

  static async open(databaseUrl = process.env.DATABASE_URL, connections = lanesFromEnv(process.env.LOCKBOARD_INGEST_CONNECTIONS)): Promise<BulkEventWriter> {
    if (!databaseUrl) throw new Error("DATABASE_URL is not set: point it at Lockboard's store");
    const lanes: Lane[] = [];
    try {
      for (let i = 0; i < Math.max(1, Math.trunc(connections) || 1); i++) {
        const client = new pg.Client({ connectionString: databaseUrl, application_name: "lockboard-ingest" });
        lanes.push({ client, idle: Promise.resolve() });
        await client.connect();
        for (const c of CREATE_COPY_STAGE) await client.query(c);
      }
      const { rows } = await lanes[0].client.query<{ c: boolean; seq: string }>(
        `SELECT coalesce(a.attcollation = 950 OR (a.attcollation = 100 AND d.datcollate IN ('C', 'POSIX')), false) AS c,
                pg_get_serial_sequence('"Event"', 'id') AS seq
         FROM pg_attribute a, pg_database d
         WHERE a.attrelid = '"Event"'::regclass AND a.attname = 'eventKey' AND d.datname = current_database()`,
      );
      return new BulkEventWriter(lanes, { byteOrder: rows[0]?.c === true, idSequence: rows[0].seq });
    } catch (err) {
      await Promise.all(lanes.map((l) => l.client.end().catch(() => {})));
      throw err;
    }
  }

  /** An empty batch for `write`, encoded as events are added (the ingest pipeline fills it as it parses). */
  batch(sourceId: number): EncodedBatch {
    return new EncodedBatch(sourceId, !this.ctx.byteOrder, this.spare.pop());
  }

  /** Stores a batch (events or an encoded batch); events whose key is stored already are skipped. */
  async write(sourceId: number, events: NormalizedEvent[] | EncodedBatch, checkpoint?: Checkpoint): Promise<StoreResult> {
    let batch: EncodedBatch;
    let repeats = 0;
    if (events instanceof EncodedBatch) {
      if (events.sourceId !== sourceId) throw new Error(`batch of source ${events.sourceId} handed in for source ${sourceId}`);
      // Its row buffer goes to a later batch once written: a second write would send that one's rows.
      if (events.written) throw new Error("a batch is written once");
      batch = events;
    } else {
      // A pushed batch may repeat a key; the staged path would skip the repeat, but count it new.
      const unique = uniqueByKey(events);
      repeats = events.length - unique.length;
      batch = this.batch(sourceId);
      for (const e of unique) batch.add(e);
    }
    const order = checkpoint ? this.orderOf(sourceId, checkpoint) : null;
    const seq = order ? order.next++ : 0;
    const lane = this.lanes[this.nextLane++ % this.lanes.length];
    const after = this.opened;
    let done = () => {};
    this.opened = new Promise<void>((r) => (done = r));
    // One thing at a time on a connection: a transaction's statements must not interleave.
    const run = lane.idle.then(async () => {
      let res: StoreResult;
      try {
        res = await this.commitBatch(lane.client, batch, { after, done });
      } catch (err) {
        order?.done.set(seq, null); // never saved past: the stream stops before this batch
        throw err;
      }
      if (order) {
        order.done.set(seq, checkpoint!);
        await this.saveCheckpoints(lane.client, sourceId, order);
      }
      return res;
    });
    lane.idle = run.catch(() => {});
    const res = await run.finally(() => {
      batch.written = true;
      if (this.spare.length <= this.lanes.length) this.spare.push(batch.rows.buf);
    });
    return { ...res, duplicates: res.duplicates + repeats };
  }

  private async commitBatch(c: pg.Client, batch: EncodedBatch, turn: OpeningTurn): Promise<StoreResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        // A retry opens whenever it can: its turn has passed.
        const res = await writeBatchIn(c, this.ctx, batch, attempt === 1 ? turn : { after: Promise.resolve(), done: () => {} });
        await c.query("COMMIT");
        return res;
      } catch (err) {
        await c.query("ROLLBACK").catch(() => {});
        const code = (err as { code?: string }).code;
        if ((code !== "40P01" && code !== "40001") || attempt >= RETRIES) throw err;
      }
    }
  }

  private orderOf(sourceId: number, cp: Checkpoint): StreamOrder {
    const key = `${sourceId}\u0000${cp.stream}`;
    let o = this.streams.get(key);
    if (!o) this.streams.set(key, (o = { next: 0, done: new Map(), saved: -1, saving: Promise.resolve() }));
    return o;
  }

  /** Saves the checkpoint of the longest run of committed batches, once, in batch order. */
  private saveCheckpoints(c: pg.Client, sourceId: number, o: StreamOrder): Promise<void> {
    o.saving = o.saving.then(async () => {
      let last: Checkpoint | null = null;
      let upTo = o.saved;
      for (let s = o.saved + 1; o.done.has(s) && o.done.get(s) !== null; s++) {
        last = o.done.get(s)!;
        o.done.delete(s);
        upTo = s;
      }
      if (!last) return;
      o.saved = upTo;
      await saveCheckpointIn(runnerOn(c), sourceId, last);
    });
    return o.saving;
  }

  async close(): Promise<void> {
    await Promise.all(this.lanes.map((l) => l.idle));
    await Promise.all(this.lanes.map((l) => l.client.end()));
  }
}
