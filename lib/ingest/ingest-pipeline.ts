import "server-only";
import type { PrismaClient } from "../store/generated/client";
import type { BulkEventWriter } from "./bulk-writer";
import { EncodedBatch } from "./encoded-batch";
import { LineSplitter } from "./line-splitter";
import type { LogLine, LogParser, LogRecord, UnparsedLine } from "./log-record";
import { normalizeRecord, unparsedEvent } from "./normalize-record";
import { createParser, type LogFormat } from "./parsers";
import { type NormalizedEvent, storeEvents } from "./store-events";
import type { Checkpoint, StoreResult } from "./store-sql";

/** A batch's events, collected (or encoded) as they are parsed. */
export type EventBatch = { readonly length: number; add(e: NormalizedEvent): void };

/** Where batches go: Prisma (small pushes) or the COPY writer (files). */
export type EventStore = {
  /** An empty batch of the kind `write` takes. */
  batch(sourceId: number): EventBatch;
  write(sourceId: number, batch: EventBatch, checkpoint?: Checkpoint): Promise<StoreResult>;
  /** Batches it takes at once: the pipeline parses on while they are written. */
  inFlight: number;
};

class EventList implements EventBatch {
  readonly events: NormalizedEvent[] = [];
  get length(): number {
    return this.events.length;
  }
  add(e: NormalizedEvent): void {
    this.events.push(e);
  }
}

function batchOf<T>(b: EventBatch, kind: abstract new (...args: never[]) => T): T {
  if (!(b instanceof kind)) throw new Error("a batch must come from the store it is written to");
  return b as T;
}

export const prismaStore = (prisma: PrismaClient): EventStore => ({
  batch: () => new EventList(),
  write: (id, b, checkpoint) => storeEvents(prisma, id, batchOf(b, EventList).events, { checkpoint }),
  inFlight: 1,
});

export const bulkStore = (writer: BulkEventWriter): EventStore => ({
  batch: (id) => writer.batch(id),
  write: (id, b, checkpoint) => writer.write(id, batchOf(b, EncodedBatch), checkpoint),
  inFlight: writer.inFlight,
});

export type IngestSummary = {
  lines: number;
  bytes: number;
  /** Records parsed (classified or not); unparsed lines are stored too but counted apart. */
  events: number;
  inserted: number;
  duplicates: number;
  unparsed: number;
  unclassified: number;
  blank: number;
  incidents: number;
  byKind: Record<string, number>;
};

export const emptySummary = (): IngestSummary => ({ lines: 0, bytes: 0, events: 0, inserted: 0, duplicates: 0, unparsed: 0, unclassified: 0, blank: 0, incidents: 0, byKind: {} });

export type PipelineOptions = {
  format?: LogFormat;
  logLinePrefix?: string;
  fileName?: string;
  batchSize?: number;
  /** Saved with each batch so a follower resumes exactly where the stored events end. */
  checkpointStream?: string;
};

/**
 * Bytes in, stored events out: split → parse → classify → batch → store, with one batch being
 * written while the next is parsed. Every event is keyed `${sourceId}:${fileId}:${offset}` (offset zero-padded to 12 digits).
 */
export class IngestPipeline {
  readonly summary = emptySummary();
  private readonly splitter: LineSplitter;
  private readonly parser: LogParser;
  private batch: EventBatch;
  /** Writes in flight, oldest first. */
  private inflight: Promise<void>[] = [];
  private readonly lines: LogLine[] = [];
  private readonly now = new Date();
  private savedOffset = -1;
  private readonly keyPrefix: string;

  constructor(
    private readonly store: EventStore,
    private readonly source: { id: number; name: string },
    private readonly fileId: string,
    startOffset: number,
    private readonly opts: PipelineOptions = {},
  ) {
    this.keyPrefix = `${source.id}:${fileId}:`;
    this.batch = store.batch(source.id);
    this.splitter = new LineSplitter(startOffset);
    this.parser = createParser(opts.format ?? "auto", { record: (r) => this.onRecord(r), unparsed: (u) => this.onUnparsed(u), blank: () => this.summary.blank++ }, opts);
  }

  /** Offset up to which everything read is parsed and queued (the resume point). */
  get safeOffset(): number {
    return this.parser.pendingOffset() ?? this.splitter.lineStart;
  }

  async push(chunk: Buffer): Promise<void> {
    this.summary.bytes += chunk.length;
    this.splitter.push(chunk, this.lines);
    this.drainLines();
    if (this.batch.length >= (this.opts.batchSize ?? 20_000)) await this.cut();
  }

  /** A quiet moment while following: records still open are complete (PostgreSQL writes a report at once). */
  async settle(): Promise<void> {
    this.parser.flush();
    await this.cut();
    await this.drain(0);
  }

  async end(): Promise<IngestSummary> {
    this.splitter.end(this.lines);
    this.drainLines();
    this.parser.flush();
    await this.cut();
    await this.drain(0);
    return this.summary;
  }

  private drainLines() {
    const lines = this.lines;
    this.summary.lines += lines.length;
    for (let i = 0; i < lines.length; i++) this.parser.push(lines[i]);
    lines.length = 0;
  }

  private key(offset: number) {
    // Zero-padded so keys of one file sort in read order: the unique index then grows at its
    // right edge instead of splitting pages all over (offsets "999" < "1000" as text otherwise).
    return `${this.keyPrefix}${offset < 1e12 ? String(offset + 1e12).slice(1) : offset}`;
  }

  private onRecord(r: LogRecord) {
    const e = normalizeRecord(r, this.key(r.offset), this.source.name, this.now);
    this.summary.events++;
    if (e.kind === "unclassified") this.summary.unclassified++;
    else this.summary.byKind[e.kind] = (this.summary.byKind[e.kind] ?? 0) + 1;
    this.batch.add(e);
  }

  private onUnparsed(u: UnparsedLine) {
    this.summary.unparsed += u.lines;
    this.batch.add(unparsedEvent(u, this.key(u.offset), this.now));
  }

  private async cut() {
    const events = this.batch;
    this.batch = this.store.batch(this.source.id);
    const cp = this.opts.checkpointStream ? { stream: this.opts.checkpointStream, fileId: this.fileId, offset: this.safeOffset } : undefined;
    if (events.length === 0 && (!cp || cp.offset === this.savedOffset)) return;
    if (cp) this.savedOffset = cp.offset;
    // As many writes in flight as the store takes; the next batch is parsed while they run.
    await this.drain(this.store.inFlight - 1);
    const p = this.store.write(this.source.id, events, cp).then((r) => {
      this.summary.inserted += r.inserted;
      this.summary.duplicates += r.duplicates;
      this.summary.incidents += r.incidents;
    });
    p.catch(() => {}); // surfaced when drained, not as an unhandled rejection
    this.inflight.push(p);
  }

  /** Waits for the oldest writes until at most `left` are in flight; the first failure throws. */
  private async drain(left: number) {
    while (this.inflight.length > left) await this.inflight.shift();
  }
}
