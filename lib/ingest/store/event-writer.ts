import "server-only";
import pg from "pg";
import { registerOwnBackend } from "../../postgres/own-backends";
import { retentionFromEnv } from "../../store/event-partitions";
import { ensureBatchDays, eventWindow, type KnownDays } from "./event-days";
import { type BatchContext, CREATE_COPY_STAGE, type OpeningTurn, runnerOn, writeBatchIn } from "./write-batch";
import { EncodedBatch } from "./encoded-batch";
import { type NormalizedEvent, uniqueByKey } from "../classify/normalized-event";
import { type Checkpoint, saveCheckpointIn, type StoreResult } from "./batch-sql";

/**
 * Connections that write batches side by side (default 4). One batch is several round trips
 * (ids, COPY, incidents, commit) with the backend idle between them; with two lanes the two
 * cores of a small store still idle between round trips, with four they stay busy (measured in
 * alternating runs of `npm run bench -- ingest`: into a default PostgreSQL 15, 4 lanes gave
 * 34-64 k events/s where 2 gave 16-52 k under the same load).
 */
const DEFAULT_LANES = 4;
function lanesFromEnv(value: string | undefined): number {
  if (value === undefined || value === "") return DEFAULT_LANES;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 16) throw new Error(`LOCKBOARD_INGEST_CONNECTIONS must be a whole number from 1 to 16, got "${value}"`);
  return n;
}
const RETRIES = 5;

/**
 * How a writer's commits return. `synchronous` (the server's default): once its WAL is flushed,
 * so a push's 200 means stored; the push endpoints and the server-log tailer write this way.
 * `relaxed`: this writer's sessions only, a commit returns before its WAL is flushed (the server
 * flushes it within a few hundred ms; fsync and full-page writes stay on, so nothing is
 * corrupted). Safe for a file read: a batch's checkpoint is saved only after the batch committed,
 * the WAL is replayed in order, so a crash loses a tail of batches and checkpoints together, and
 * the next run reads that tail again from the surviving checkpoint, its events recognised by key
 * (never stored twice). A sender that was told "stored" would not send again: pushes never relax.
 */
export type CommitMode = "synchronous" | "relaxed";
const RELAXED_COMMIT = "SET synchronous_commit = off";

export type WriterOptions = {
  /** Default DATABASE_URL. */
  databaseUrl?: string;
  /** Default LOCKBOARD_INGEST_CONNECTIONS, else 4. */
  connections?: number;
  commit: CommitMode;
  /** Names the connections in the own-backend registry and application_name. */
  label?: string;
};

/** One connection; `dead` once the server ended it (a restart, idle_session_timeout): reopened before its next batch. */
type Lane = { client: pg.Client; idle: Promise<unknown>; dead: boolean };

/** A writer connection: registered as Lockboard's own, in its commit mode, with its temp table. */
async function connectLane(databaseUrl: string, label: string, commit: CommitMode): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: `lockboard-${label}` });
  try {
    await client.connect();
    await registerOwnBackend(client, label);
    if (commit === "relaxed") await client.query(RELAXED_COMMIT);
    for (const c of CREATE_COPY_STAGE) await client.query(c);
    return client;
  } catch (err) {
    await client.end().catch(() => {});
    throw err;
  }
}

/** Checkpoints of one stream, saved in the order their batches were handed in. */
type StreamOrder = { next: number; done: Map<number, Checkpoint | null>; saved: number; saving: Promise<void> };

/**
 * The one way events reach the store: the CLI's file reads, the push endpoints, the server-log
 * tailer and the samplers all write through it (COPY needs the raw protocol, which Prisma does
 * not expose). Batches go to its connections in turn, each batch one transaction (write-batch.ts),
 * so up to `lanes` batches are written at once; a deadlock between them (PostgreSQL detects it and
 * cancels one) retries that batch. A checkpoint is saved once every batch handed in before it has
 * committed, in a short transaction of its own: it never passes what is stored, and what it lags
 * behind a crash is read again and recognised by key.
 */
export class EventWriter {
  /** Round robin over the connections. */
  private nextLane = 0;
  /** Resolves once the latest batch handed in has opened its transaction. */
  private opened: Promise<unknown> = Promise.resolve();
  private readonly streams = new Map<string, StreamOrder>();
  /** Row buffers of batches written, for the next batches (one per connection, and the one being filled). */
  private readonly spare: Buffer[] = [];

  /** Day partitions this writer has seen exist (event-days.ts), and the retention its batches' window follows. */
  private readonly knownDays: KnownDays = new Set();
  private readonly retention = retentionFromEnv();

  private constructor(
    private readonly lanes: Lane[],
    private readonly ctx: BatchContext,
    readonly databaseUrl: string,
    private readonly opts: { label: string; commit: CommitMode },
  ) {
    for (const l of lanes) this.watch(l);
  }

  /** Connections the server ended since they last wrote (reopened before their next batch). */
  get deadConnections(): number {
    return this.lanes.filter((l) => l.dead).length;
  }

  private watch(lane: Lane): void {
    const c = lane.client;
    // An idle connection the server ends emits "error"; unheard, it would end the process.
    c.on("error", () => c === lane.client && (lane.dead = true));
    c.on("end", () => c === lane.client && (lane.dead = true));
  }

  /** A long-lived writer (the shared one) outlives store restarts: the batch in flight fails, the next finds a new connection. */
  private async reopen(lane: Lane): Promise<void> {
    const old = lane.client;
    lane.client = await connectLane(this.databaseUrl, this.opts.label, this.opts.commit);
    lane.dead = false;
    this.watch(lane);
    await old.end().catch(() => {});
  }

  /** How many batches may be in flight at once. */
  get inFlight(): number {
    return this.lanes.length;
  }

  static async open(opts: WriterOptions): Promise<EventWriter> {
    const databaseUrl = opts.databaseUrl ?? process.env.DATABASE_URL;
    if (!databaseUrl) throw new Error("DATABASE_URL is not set: point it at Lockboard's store");
    const connections = opts.connections ?? lanesFromEnv(process.env.LOCKBOARD_INGEST_CONNECTIONS);
    const label = opts.label ?? "ingest";
    const lanes: Lane[] = [];
    try {
      for (let i = 0; i < Math.max(1, Math.trunc(connections) || 1); i++) {
        lanes.push({ client: await connectLane(databaseUrl, label, opts.commit), idle: Promise.resolve(), dead: false });
      }
      const { rows } = await lanes[0].client.query<{ c: boolean; seq: string }>(
        `SELECT coalesce(a.attcollation = 950 OR (a.attcollation = 100 AND d.datcollate IN ('C', 'POSIX')), false) AS c,
                pg_get_serial_sequence('"Event"', 'id') AS seq
         FROM pg_attribute a, pg_database d
         WHERE a.attrelid = '"Event"'::regclass AND a.attname = 'eventKey' AND d.datname = current_database()`,
      );
      return new EventWriter(lanes, { byteOrder: rows[0]?.c === true, idSequence: rows[0].seq }, databaseUrl, { label, commit: opts.commit });
    } catch (err) {
      await Promise.all(lanes.map((l) => l.client.end().catch(() => {})));
      throw err;
    }
  }

  /** An empty batch for `write`, encoded as events are added (the ingest pipeline fills it as it parses). */
  batch(sourceId: number): EncodedBatch {
    return new EncodedBatch(sourceId, !this.ctx.byteOrder, this.spare.pop(), eventWindow(Date.now(), this.retention));
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
      try {
        for (const e of unique) batch.add(e);
      } catch (err) {
        // A value COPY's binary format cannot carry (a time beyond int64 microseconds) is one the store refuses.
        if (err instanceof RangeError) throw Object.assign(new Error(`the store refuses a value: ${err.message}`), { code: "22008" });
        throw err;
      }
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
        // The store still away: this batch fails, and the next in line may open all the same.
        if (lane.dead) await this.reopen(lane).catch((err) => (done(), Promise.reject(err)));
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
    try {
      await ensureBatchDays(c, this.knownDays, batch);
    } catch (err) {
      turn.done();
      throw err;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        // A retry opens whenever it can: its turn has passed.
        const res = await writeBatchIn(c, this.ctx, batch, attempt === 1 ? turn : { after: Promise.resolve(), done: () => {} });
        await c.query("COMMIT");
        return res;
      } catch (err) {
        await c.query("ROLLBACK").catch(() => {});
        const code = (err as { code?: string }).code;
        // A day this writer saw made was dropped since (retention): made again, and the batch redone.
        if (code === "23514" && /no partition/.test((err as Error).message) && attempt < RETRIES) {
          this.knownDays.clear();
          await ensureBatchDays(c, this.knownDays, batch);
          continue;
        }
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
