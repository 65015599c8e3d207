import "server-only";
import { createHash } from "node:crypto";
import type { PrismaClient } from "../store/generated/client";
import { ensureIngestSource } from "./log-source";
import { parseJsonObject, recordFromJson } from "./json-record";
import { splitLines } from "./line-splitter";
import type { LogRecord, UnparsedLine } from "./log-record";
import { normalizeRecord, unparsedEvent } from "./normalize-record";
import { OtlpLogRecordSchema, OtlpLogsRequestSchema, attributesObject, recordFromOtlp } from "./otlp-logs";
import { createParser } from "./parsers";
import { type NormalizedEvent, storeEvents } from "./store-events";

export type PushResult = { source: string; accepted: number; rejected: number; errors: string[]; inserted: number; duplicates: number; incidents: number };

/** Pushed events have no file offset: their identity is a hash of their content (so a retried push adds nothing). */
const contentKey = (sourceId: number, r: LogRecord) =>
  `${sourceId}:push:${createHash("sha1").update(`${r.time?.toISOString() ?? ""}\n${r.raw}`).digest("hex")}`;

export class PushError extends Error {}

/** Vector and Fluent Bit wrap a raw log line in an object: `{message|log, source_type|file|host…}`. */
function envelopeText(o: Record<string, unknown>): string | null {
  const text = typeof o.message === "string" ? o.message : typeof o.log === "string" ? o.log : null;
  if (text === null) return null;
  const shipped = "source_type" in o || "file" in o || ("log" in o && !("level" in o)) || "container_id" in o;
  return shipped ? text.replace(/\n$/, "") : null;
}

/**
 * NDJSON (one JSON object per line) or a JSON array of objects. Each object is an application or
 * server log record, or a shipper envelope whose raw line is parsed like a file (PostgreSQL
 * stderr, text with stacks, …). A bad line is reported and skipped; the good ones are stored.
 */
export async function ingestNdjson(prisma: PrismaClient, sourceName: string, body: Buffer): Promise<PushResult> {
  const text = body.toString("utf8").trim();
  const errors: string[] = [];
  const objects: { o: Record<string, unknown>; line: number; raw: string }[] = [];
  let lineCount = 0;
  if (text.startsWith("[")) {
    let arr: unknown;
    try {
      arr = JSON.parse(text);
    } catch (err) {
      throw new PushError(`body starts with "[" but is not a JSON array: ${(err as Error).message}`);
    }
    (arr as unknown[]).forEach((o, i) => {
      lineCount++;
      if (typeof o === "object" && o && !Array.isArray(o)) objects.push({ o: o as Record<string, unknown>, line: i + 1, raw: JSON.stringify(o) });
      else errors.push(`item ${i + 1}: not a JSON object`);
    });
  } else {
    for (const l of splitLines(body).lines) {
      lineCount++;
      const line = lineCount;
      if (!l.text.trim()) continue;
      const o = l.bad ? null : parseJsonObject(l.text);
      if (o) objects.push({ o, line, raw: l.text });
      else errors.push(`line ${line}: ${l.bad === "too_long" ? "longer than the line limit" : "not a JSON object"}`);
    }
  }
  if (objects.length === 0) throw new PushError(errors[0] ?? "the body holds no log records (send NDJSON: one JSON object per line)");

  const source = await ensureIngestSource(prisma, sourceName);
  const now = new Date();
  const records: LogRecord[] = [];
  const shippedLines: string[] = [];
  for (const { o, raw } of objects) {
    const shipped = envelopeText(o);
    if (shipped !== null) shippedLines.push(shipped);
    else records.push(recordFromJson(o, { offset: 0, lines: 1, raw }));
  }
  const unparsed: UnparsedLine[] = [];
  if (shippedLines.length) {
    const parser = createParser("auto", { record: (r) => records.push(r), unparsed: (u) => unparsed.push(u), blank: () => {} });
    for (const l of splitLines(Buffer.from(shippedLines.join("\n"))).lines) parser.push(l);
    parser.flush();
  }
  const events: NormalizedEvent[] = records.map((r) => normalizeRecord(r, contentKey(source.id, r), source.name, now));
  for (const u of unparsed) events.push(unparsedEvent(u, `${source.id}:push:${createHash("sha1").update(u.raw).digest("hex")}`, now));
  const res = await storeEvents(prisma, source.id, events);
  return { source: source.name, accepted: objects.length, rejected: errors.length, errors: errors.slice(0, 20), ...res };
}

/** OTLP/HTTP JSON logs: each malformed log record is rejected alone (OTLP partial success). */
export async function ingestOtlpLogs(prisma: PrismaClient, sourceOverride: string | null, json: unknown): Promise<PushResult & { bySource: Record<string, number> }> {
  const parsed = OtlpLogsRequestSchema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new PushError(`not an OTLP logs request: ${i.path.join(".") || "body"}: ${i.message}`);
  }
  const errors: string[] = [];
  const bySourceRecords = new Map<string, LogRecord[]>();
  let accepted = 0;
  let rejected = 0;
  parsed.data.resourceLogs.forEach((rl, ri) => {
    const resource = attributesObject(rl.resource?.attributes as { key: string }[] | undefined);
    const name = sourceOverride ?? (typeof resource["service.name"] === "string" && /^[\w.:@-]{1,80}$/.test(resource["service.name"] as string) ? `otel:${resource["service.name"]}` : "otel");
    for (const [si, sl] of (rl.scopeLogs ?? []).entries()) {
      for (const [li, lr] of (sl.logRecords ?? []).entries()) {
        const r = OtlpLogRecordSchema.safeParse(lr);
        if (!r.success) {
          rejected++;
          if (errors.length < 20) errors.push(`resourceLogs[${ri}].scopeLogs[${si}].logRecords[${li}].${r.error.issues[0].path.join(".")}: ${r.error.issues[0].message}`);
          continue;
        }
        accepted++;
        const list = bySourceRecords.get(name) ?? [];
        list.push(recordFromOtlp(r.data, resource, JSON.stringify(lr)));
        bySourceRecords.set(name, list);
      }
    }
  });
  const out = { source: sourceOverride ?? "", accepted, rejected, errors, inserted: 0, duplicates: 0, incidents: 0, bySource: {} as Record<string, number> };
  const now = new Date();
  for (const [name, records] of bySourceRecords) {
    const source = await ensureIngestSource(prisma, name);
    const res = await storeEvents(prisma, source.id, records.map((r) => normalizeRecord(r, contentKey(source.id, r), source.name, now)));
    out.inserted += res.inserted;
    out.duplicates += res.duplicates;
    out.incidents += res.incidents;
    out.bySource[name] = records.length;
  }
  return out;
}
