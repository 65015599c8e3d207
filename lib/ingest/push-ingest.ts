import "server-only";
import { createHash } from "node:crypto";
import { failedWriteCaptureFor, type LogFailedWriteCapture } from "../replay/from-log-event";
import { otlpSourceName } from "../sources/source-name";
import type { PrismaClient } from "../store/generated/client";
import { ensureIngestSource } from "./log-source";
import { jsonDepthExceeds, MAX_JSON_DEPTH, parseJsonObject, stringifyBounded, validTime } from "./read/json-record";
import { splitLines } from "./read/line-splitter";
import type { LogRecord, UnparsedLine } from "./read/log-record";
import { normalizeRecord, unparsedEvent } from "./classify/normalize-record";
import { OtlpLogRecordSchema, OtlpLogsRequestSchema, attributesObject, recordFromOtlp } from "./read/otlp-logs";
import { createParser } from "./read/parsers";
import { rememberDetectedFormat } from "./store/remember-format";
import { getEventWriter } from "./store/shared-writer";
import type { NormalizedEvent } from "./classify/normalized-event";
import type { StoreResult } from "./store/batch-sql";

/** `rejected` counts every refused line; `errors` holds the first MAX_PUSH_ERRORS of their messages. */
export type PushResult = {
  source: string;
  accepted: number;
  rejected: number;
  unparsed: number;
  errors: string[];
  inserted: number;
  duplicates: number;
  incidents: number;
  /** What the pushed lines were read as (describeDetection), and whether that differs from what the source's earlier pushes or files were. */
  format?: string;
  formatChanged?: boolean;
  /** The format the source remembered before this push, when it changed. */
  previousFormat?: string | null;
  /** Only for a source with config.failedWriteMapping: the failed writes its lines carried (rejected ones are kept as unparsed). */
  failedWrites?: FailedWriteCounts;
};
export type FailedWriteCounts = { created: number; duplicates: number; rejected: number };

/** A response names at most this many bad lines, whatever the body holds (a 10 MB body can hold 5 million). */
export const MAX_PUSH_ERRORS = 100;

class ErrorList {
  readonly items: string[] = [];
  total = 0;
  add(message: () => string): void {
    if (this.items.length < MAX_PUSH_ERRORS) this.items.push(message());
    this.total++;
  }
}

/** Pushed events have no file offset: their identity is a hash of their content (so a retried push adds nothing). */
const contentKey = (sourceId: number, r: LogRecord) =>
  `${sourceId}:push:${createHash("sha1")
    .update(`${validTime(r.time)?.toISOString() ?? ""}\n${r.raw}`)
    .digest("hex")}`;
const rawKey = (sourceId: number, raw: string) => `${sourceId}:push:${createHash("sha1").update(raw).digest("hex")}`;

const poison = (raw: string, reason: string): UnparsedLine => ({ offset: 0, lines: 1, raw, reason });
const TOO_DEEP = `nested deeper than ${MAX_JSON_DEPTH} levels`;
const unprocessable = (err: unknown) => `unprocessable: ${err instanceof Error ? err.message : String(err)}`.slice(0, 200);

export class PushError extends Error {}

/** PostgreSQL's data exceptions (SQLSTATE class 22: a value out of range, a bad escape): the input's fault, not the store's. */
const isDataError = (err: unknown) => /^22[0-9A-Z]{3}$/.test(String((err as { code?: unknown })?.code ?? ""));

/**
 * Stores a batch; should the store still refuse a value no gate foresaw, the batch is split until
 * the refused events are alone, and each of those is kept as an unparsed event instead (a retried
 * push adds nothing twice: keys are content hashes). Returns how many ended up unparsed.
 */
export async function storePushEvents(
  prisma: PrismaClient,
  sourceId: number,
  events: NormalizedEvent[],
  now = new Date(),
): Promise<StoreResult & { unparsed: number }> {
  try {
    return { ...(await (await getEventWriter()).write(sourceId, events)), unparsed: 0 };
  } catch (err) {
    if (!isDataError(err)) throw err;
    if (events.length === 1) {
      const e = events[0];
      if (e.kind === "unparsed" && e.fields.reason === "refused by the store") throw err;
      const u = poison(e.raw.slice(0, 4096), "refused by the store");
      const res = await storePushEvents(prisma, sourceId, [unparsedEvent(u, e.eventKey, now)], now);
      return { ...res, unparsed: 1 };
    }
    const half = Math.ceil(events.length / 2);
    const [a, b] = [await storePushEvents(prisma, sourceId, events.slice(0, half), now), await storePushEvents(prisma, sourceId, events.slice(half), now)];
    return {
      inserted: a.inserted + b.inserted,
      duplicates: a.duplicates + b.duplicates,
      incidents: a.incidents + b.incidents,
      unparsed: a.unparsed + b.unparsed,
    };
  }
}

/** Vector and Fluent Bit wrap a raw log line in an object: `{message|log, source_type|file|host…}`. */
function envelopeText(o: Record<string, unknown>): string | null {
  const text = typeof o.message === "string" ? o.message : typeof o.log === "string" ? o.log : null;
  if (text === null) return null;
  const shipped = "source_type" in o || "file" in o || ("log" in o && !("level" in o)) || "container_id" in o;
  return shipped ? text.replace(/\n$/, "") : null;
}

/** The failed writes a push's lines carry, for a source that maps them (from-log-event.ts). */
type Carried = { capture: LogFailedWriteCapture; submissions: Record<string, unknown>[] };

const carriedBy = (prisma: PrismaClient, source: { name: string; config: unknown }): Carried | undefined => {
  const capture = failedWriteCaptureFor(prisma, source);
  return capture ? { capture, submissions: [] } : undefined;
};

/** Captured once the events are stored (a retried push finds its writes by capture key: stored once). */
async function captureCarried(writes: Carried | undefined, into: { failedWrites?: FailedWriteCounts }): Promise<void> {
  if (!writes) return;
  const counts = (into.failedWrites ??= { created: 0, duplicates: 0, rejected: 0 });
  if (writes.submissions.length === 0) return;
  const c = await writes.capture.capture(writes.submissions);
  counts.created += c.created;
  counts.duplicates += c.duplicates;
  counts.rejected += c.rejected;
}

/**
 * Records → events; one that cannot be normalized (a bug, a value no parser foresaw) is kept as an
 * unparsed event rather than failing the batch it came in.
 */
function toEvents(sourceId: number, sourceName: string, records: LogRecord[], unparsed: UnparsedLine[], now: Date, writes?: Carried): NormalizedEvent[] {
  const events: NormalizedEvent[] = [];
  for (const r of records) {
    try {
      const e = normalizeRecord(r, contentKey(sourceId, r), sourceName, now);
      events.push(e);
      const w = writes?.capture.submissionOf(r.json ?? e.fields, e.occurredAt);
      if (w) writes!.submissions.push(w);
    } catch (err) {
      unparsed.push(poison(r.raw, unprocessable(err)));
    }
  }
  for (const u of unparsed) events.push(unparsedEvent(u, rawKey(sourceId, u.raw), now));
  return events;
}

/**
 * NDJSON (one JSON object per line) or a JSON array of objects. Each object is an application or
 * server log record, or a shipper envelope whose raw line is parsed like a file (PostgreSQL
 * stderr, text with stacks, …). A line that is not JSON is reported and skipped; a JSON line that
 * cannot be read as a record (nested too deep, say) is kept as an unparsed event; the rest is stored.
 */
export async function ingestNdjson(prisma: PrismaClient, sourceName: string, body: Buffer): Promise<PushResult> {
  const text = body.toString("utf8").trim();
  const errors = new ErrorList();
  const objects: { o: Record<string, unknown>; raw: string }[] = [];
  const unparsed: UnparsedLine[] = [];
  if (text.startsWith("[")) {
    let arr: unknown[];
    try {
      arr = JSON.parse(text);
    } catch (err) {
      throw new PushError(`body starts with "[" but is not a JSON array: ${(err as Error).message}`);
    }
    arr.forEach((o, i) => {
      if (typeof o !== "object" || !o || Array.isArray(o)) errors.add(() => `item ${i + 1}: not a JSON object`);
      else if (jsonDepthExceeds(o)) unparsed.push(poison(stringifyBounded(o), TOO_DEEP));
      else objects.push({ o: o as Record<string, unknown>, raw: JSON.stringify(o) });
    });
  } else {
    let line = 0;
    for (const l of splitLines(body).lines) {
      line++;
      if (!l.text.trim()) continue;
      const o = l.bad ? null : parseJsonObject(l.text);
      const n = line;
      if (!o) errors.add(() => `line ${n}: ${l.bad === "too_long" ? "longer than the line limit" : "not a JSON object"}`);
      else if (jsonDepthExceeds(o)) unparsed.push(poison(l.text, TOO_DEEP));
      else objects.push({ o, raw: l.text });
    }
  }
  const accepted = objects.length + unparsed.length;
  if (accepted === 0) throw new PushError(errors.items[0] ?? "the body holds no log records (send NDJSON: one JSON object per line)");

  const source = await ensureIngestSource(prisma, sourceName);
  const records: LogRecord[] = [];
  const shippedLines: string[] = [];
  const sink = { record: (r: LogRecord) => records.push(r), unparsed: (u: UnparsedLine) => unparsed.push(u), blank: () => {} };
  // JSON records go through the sniffer too: a Cloud SQL export's entries join their report.
  const json = createParser("auto", sink);
  let offset = 0;
  for (const { o, raw } of objects) {
    try {
      const shipped = envelopeText(o);
      if (shipped !== null) shippedLines.push(shipped);
      else json.push({ text: raw, offset: offset++ });
    } catch (err) {
      unparsed.push(poison(raw, unprocessable(err)));
    }
  }
  json.flush();
  let detection = json.detection;
  if (shippedLines.length) {
    const parser = createParser("auto", sink);
    for (const l of splitLines(Buffer.from(shippedLines.join("\n"))).lines) parser.push(l);
    parser.flush();
    if (shippedLines.length * 2 >= objects.length) detection = parser.detection;
  }
  const writes = carriedBy(prisma, source);
  const events = toEvents(source.id, source.name, records, unparsed, new Date(), writes);
  const { unparsed: refused, ...res } = await storePushEvents(prisma, source.id, events);
  const out: PushResult = { source: source.name, accepted, rejected: errors.total, unparsed: unparsed.length + refused, errors: errors.items, ...res };
  if (detection && detection.sampled > 0) {
    const remembered = await rememberDetectedFormat(prisma, source.id, detection);
    out.format = remembered.summary;
    out.formatChanged = remembered.changed;
    if (remembered.changed) out.previousFormat = remembered.previous;
  }
  await captureCarried(writes, out);
  return out;
}

/**
 * OTLP/HTTP JSON logs: a log record that fails the schema is rejected alone (OTLP partial success);
 * one that passes but cannot be read as a record is kept as an unparsed event.
 */
export async function ingestOtlpLogs(
  prisma: PrismaClient,
  sourceOverride: string | null,
  json: unknown,
): Promise<PushResult & { bySource: Record<string, number> }> {
  const parsed = OtlpLogsRequestSchema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new PushError(`not an OTLP logs request: ${i.path.join(".") || "body"}: ${i.message}`);
  }
  const errors = new ErrorList();
  const bySource = new Map<string, { records: LogRecord[]; unparsed: UnparsedLine[] }>();
  let accepted = 0;
  parsed.data.resourceLogs.forEach((rl, ri) => {
    const resource = attributesObject(rl.resource?.attributes as { key: string }[] | undefined);
    const name = sourceOverride ?? otlpSourceName(resource["service.name"]);
    const into = bySource.get(name) ?? { records: [], unparsed: [] };
    bySource.set(name, into);
    for (const [si, sl] of (rl.scopeLogs ?? []).entries()) {
      for (const [li, lr] of (sl.logRecords ?? []).entries()) {
        if (jsonDepthExceeds(lr)) {
          accepted++;
          into.unparsed.push(poison(stringifyBounded(lr), TOO_DEEP));
          continue;
        }
        const r = OtlpLogRecordSchema.safeParse(lr);
        if (!r.success) {
          errors.add(() => `resourceLogs[${ri}].scopeLogs[${si}].logRecords[${li}].${r.error.issues[0].path.join(".")}: ${r.error.issues[0].message}`);
          continue;
        }
        accepted++;
        const raw = JSON.stringify(lr);
        try {
          into.records.push(recordFromOtlp(r.data, resource, raw));
        } catch (err) {
          into.unparsed.push(poison(raw, unprocessable(err)));
        }
      }
    }
  });
  const out: PushResult & { bySource: Record<string, number> } = {
    source: sourceOverride ?? "",
    accepted,
    rejected: errors.total,
    unparsed: 0,
    errors: errors.items,
    inserted: 0,
    duplicates: 0,
    incidents: 0,
    bySource: {},
  };
  const now = new Date();
  for (const [name, { records, unparsed }] of bySource) {
    if (records.length + unparsed.length === 0) continue;
    const source = await ensureIngestSource(prisma, name);
    const writes = carriedBy(prisma, source);
    const events = toEvents(source.id, source.name, records, unparsed, now, writes);
    const res = await storePushEvents(prisma, source.id, events, now);
    out.inserted += res.inserted;
    out.duplicates += res.duplicates;
    out.incidents += res.incidents;
    out.unparsed += unparsed.length + res.unparsed;
    out.bySource[name] = events.length;
    await captureCarried(writes, out);
  }
  return out;
}
