import "server-only";
import type { LogFailedWriteCapture } from "../replay/from-log-event";
import type { PipelineWriter } from "./fenced-checkpoints";
import type { EncodedBatch } from "./store/encoded-batch";
import { LineSplitter } from "./read/line-splitter";
import type { LogLine, LogRecord, UnparsedLine } from "./read/log-record";
import type { Detection } from "./read/format-detect";
import { normalizeRecord, unparsedEvent } from "./classify/normalize-record";
import { createParser, type DetectingParser, type LogFormat } from "./read/parsers";

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
  /** Failed writes taken from the lines (a source with config.failedWriteMapping): stored, and kept as unparsed. */
  failedWrites: number;
  failedWritesUnparsed: number;
  byKind: Record<string, number>;
};

/** The summary's counters, for adding summaries up. */
export const SUMMARY_COUNTS = [
  "lines",
  "bytes",
  "events",
  "inserted",
  "duplicates",
  "unparsed",
  "unclassified",
  "blank",
  "incidents",
  "failedWrites",
  "failedWritesUnparsed",
] as const;

export function addSummary(into: IngestSummary, s: IngestSummary): void {
  for (const k of SUMMARY_COUNTS) into[k] += s[k];
  for (const [k, v] of Object.entries(s.byKind)) into.byKind[k] = (into.byKind[k] ?? 0) + v;
}

export const emptySummary = (): IngestSummary => ({
  lines: 0,
  bytes: 0,
  events: 0,
  inserted: 0,
  duplicates: 0,
  unparsed: 0,
  unclassified: 0,
  blank: 0,
  incidents: 0,
  failedWrites: 0,
  failedWritesUnparsed: 0,
  byKind: {},
});

export type PipelineOptions = {
  format?: LogFormat;
  logLinePrefix?: string;
  fileName?: string;
  /** What a stamp without a year or date is read against (the file's modification time). */
  refTime?: Date;
  batchSize?: number;
  /** Saved with each batch so a follower resumes exactly where the stored events end. */
  checkpointStream?: string;
  /** The source's failed-write mapping (from-log-event.ts): its lines' failed writes are captured once their batch is stored. */
  failedWrites?: LogFailedWriteCapture | null;
};

/**
 * Bytes in, stored events out: split → parse → classify → batch → store, with one batch being
 * written while the next is parsed. Every event is keyed `${sourceId}:${fileId}:${offset}` (offset zero-padded to 12 digits).
 */
export class IngestPipeline {
  readonly summary = emptySummary();
  private readonly splitter: LineSplitter;
  private readonly parser: DetectingParser;
  private batch: EncodedBatch;
  /** The failed writes the current batch's lines carry. */
  private submissions: Record<string, unknown>[] = [];
  /** Writes in flight, oldest first. */
  private inflight: Promise<void>[] = [];
  private readonly lines: LogLine[] = [];
  /** The time given to lines without one of their own: when their chunk was read (a follow runs for weeks). */
  private now = new Date();
  private savedOffset = -1;
  private readonly keyPrefix: string;

  constructor(
    private readonly writer: PipelineWriter,
    private readonly source: { id: number; name: string },
    private readonly fileId: string,
    startOffset: number,
    private readonly opts: PipelineOptions = {},
  ) {
    this.keyPrefix = `${source.id}:${fileId}:`;
    this.batch = writer.batch(source.id);
    this.splitter = new LineSplitter(startOffset);
    this.parser = createParser(
      opts.format ?? "auto",
      { record: (r) => this.onRecord(r), unparsed: (u) => this.onUnparsed(u), blank: () => this.summary.blank++ },
      opts,
    );
  }

  /** What the parser decided the stream is (null until it has seen enough lines). */
  get detection(): Detection | null {
    return this.parser.detection;
  }

  /** Offset up to which everything read is parsed and queued (the resume point). */
  get safeOffset(): number {
    return this.parser.pendingOffset() ?? this.splitter.lineStart;
  }

  async push(chunk: Buffer): Promise<void> {
    this.now = new Date();
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
    const w = this.opts.failedWrites?.submissionOf(r.json ?? e.fields, e.occurredAt);
    if (w) this.submissions.push(w);
  }

  private onUnparsed(u: UnparsedLine) {
    this.summary.unparsed += u.lines;
    this.batch.add(unparsedEvent(u, this.key(u.offset), this.now));
  }

  private async cut() {
    const events = this.batch;
    const submissions = this.submissions;
    this.batch = this.writer.batch(this.source.id);
    this.submissions = [];
    const cp = this.opts.checkpointStream ? { stream: this.opts.checkpointStream, fileId: this.fileId, offset: this.safeOffset } : undefined;
    if (events.length === 0 && (!cp || cp.offset === this.savedOffset)) return;
    if (cp) this.savedOffset = cp.offset;
    // As many writes in flight as the writer takes; the next batch is parsed while they run.
    await this.drain(this.writer.inFlight - 1);
    const p = this.writer.write(this.source.id, events, cp).then(async (r) => {
      this.summary.inserted += r.inserted;
      this.summary.duplicates += r.duplicates;
      this.summary.incidents += r.incidents;
      // After the events: a failed write is only captured from a line that is stored. Read again,
      // a line's write is recognised by its capture key (stored once).
      if (submissions.length === 0) return;
      const c = await this.opts.failedWrites!.capture(submissions);
      this.summary.failedWrites += c.created;
      this.summary.failedWritesUnparsed += c.rejected;
    });
    p.catch(() => {}); // surfaced when drained, not as an unhandled rejection
    this.inflight.push(p);
  }

  /** Waits for the oldest writes until at most `left` are in flight; the first failure throws. */
  private async drain(left: number) {
    while (this.inflight.length > left) await this.inflight.shift();
  }
}
