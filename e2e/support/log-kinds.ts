import { createReadStream } from "node:fs";
import path from "node:path";
import { normalizeRecord, unparsedEvent } from "@/lib/ingest/classify/normalize-record";
import type { NormalizedEvent } from "@/lib/ingest/classify/normalized-event";
import { LineSplitter } from "@/lib/ingest/read/line-splitter";
import type { LogLine, LogRecord } from "@/lib/ingest/read/log-record";
import { createParser } from "@/lib/ingest/read/parsers";

export type ReadEvent = { record: LogRecord; event: NormalizedEvent };

/** A log file read as `lockboard ingest` reads it (format detected from its name and lines), without the store. */
export async function readLogFile(file: string): Promise<{ events: ReadEvent[]; unparsed: NormalizedEvent[] }> {
  const now = new Date();
  const events: ReadEvent[] = [];
  const unparsed: NormalizedEvent[] = [];
  const parser = createParser(
    "auto",
    {
      record: (r) => events.push({ record: r, event: normalizeRecord(r, `e${r.offset}`, path.basename(file), now) }),
      unparsed: (u) => unparsed.push(unparsedEvent(u, `u${u.offset}`, now)),
      blank: () => {},
    },
    { fileName: file },
  );
  const splitter = new LineSplitter(0);
  const out: LogLine[] = [];
  for await (const chunk of createReadStream(file)) {
    splitter.push(chunk as Buffer, out);
    for (const l of out) parser.push(l);
    out.length = 0;
  }
  splitter.end(out);
  for (const l of out) parser.push(l);
  parser.flush();
  return { events, unparsed };
}

/** The key one event has in every format of the same server: its time, its backend and its message's first line. */
export const eventKey = ({ record }: ReadEvent) => `${record.time?.toISOString()}|${record.fields.pid}|${record.message.split("\n", 1)[0]}`;

/** How many events of each kind, sorted by kind. */
export function kindCounts(events: ReadEvent[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { event } of events) out[event.kind] = (out[event.kind] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** Kinds by event key, each key's kinds sorted: two formats agree line by line when these are equal. */
export function kindsByKey(events: ReadEvent[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of events) (out[eventKey(e)] ??= []).push(e.event.kind);
  for (const k in out) out[k].sort();
  return out;
}

/** Per event (by eventKey), the incident title and the entities, sorted: what two formats of one server must agree on. */
export function titlesAndEntitiesByKey(events: ReadEvent[]): Record<string, string[]> {
  return Object.fromEntries(
    events
      .filter((e) => e.event.kind !== "unclassified")
      .map((e) => [eventKey(e), [e.event.title, ...e.event.entities.map((x) => `${x.type}=${x.value}${x.role ? `/${x.role}` : ""}`).sort()]]),
  );
}
