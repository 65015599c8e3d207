import "server-only";
import { parseJsonObject, recordFromJson } from "./json-record";
import { LinesParser } from "./lines-parser";
import type { LogLine, LogParser, LogRecord, ParseSink } from "./log-record";
import { PgStderrParser } from "./pg-stderr-parser";

/** Cloud SQL for PostgreSQL's own log_line_prefix. */
export const CLOUD_SQL_PREFIX = "%m [%p]: [%l-1] db=%d,user=%u ";

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** A Google Cloud Logging entry of a PostgreSQL server (Cloud SQL, AlloyDB): its payload. */
export function cloudPayload(o: Json): { text: string } | { json: Json } | null {
  if (typeof o.textPayload !== "string" && !isObj(o.jsonPayload)) return null;
  const res = isObj(o.resource) ? String(o.resource.type ?? "") : "";
  const where = `${typeof o.logName === "string" ? o.logName : ""} ${res}`;
  if (!/cloudsql|alloydb|postgres/i.test(where)) return null;
  if (typeof o.textPayload === "string") return { text: o.textPayload };
  const j = o.jsonPayload as Json;
  if (typeof j.error_severity === "string") return { json: j };
  return typeof j.message === "string" ? { text: j.message } : typeof j.textPayload === "string" ? { text: j.textPayload } : null;
}

/**
 * Google Cloud Logging exports (one JSON LogEntry a line): a PostgreSQL entry's textPayload is a
 * stderr line, so its DETAIL, STATEMENT and continuation entries join the report before them; a
 * jsonPayload in PostgreSQL's JSON log format is a record of its own. Other lines are read as
 * application lines.
 */
export class PgCloudJsonParser implements LogParser {
  private readonly stderr: PgStderrParser;
  private readonly lines: LinesParser;
  private inStderr = false;

  constructor(
    private readonly sink: ParseSink,
    prefix = CLOUD_SQL_PREFIX,
  ) {
    const wrap: ParseSink = { record: (r) => this.onRecord(r), unparsed: (u) => sink.unparsed(u), blank: () => sink.blank() };
    this.stderr = new PgStderrParser(wrap, prefix);
    this.lines = new LinesParser(sink);
  }

  push(line: LogLine): void {
    const o = !line.bad && line.text.charCodeAt(0) === 123 ? parseJsonObject(line.text) : null;
    const p = o ? cloudPayload(o) : null;
    if (!p) {
      this.toLines();
      return this.lines.push(line);
    }
    if ("json" in p) {
      this.toLines();
      const rec = recordFromJson(p.json, { offset: line.offset, lines: 1, raw: line.text });
      rec.format = rec.format === "pg-json" ? "pg-cloudsql" : rec.format;
      return this.sink.record(rec);
    }
    if (!this.inStderr) {
      this.lines.flush();
      this.inStderr = true;
    }
    // A payload holding several lines: each is a line of the stderr log (offsets stay unique within the entry).
    const parts = p.text.replace(/\n$/, "").split("\n");
    for (let i = 0; i < parts.length; i++) this.stderr.push({ text: parts[i], offset: line.offset + i, invalidUtf8: line.invalidUtf8 });
  }

  private toLines() {
    if (!this.inStderr) return;
    this.stderr.flush();
    this.inStderr = false;
  }

  private onRecord(r: LogRecord) {
    r.format = "pg-cloudsql";
    this.sink.record(r);
  }

  flush(): void {
    this.stderr.flush();
    this.lines.flush();
  }

  pendingOffset(): number | null {
    return this.inStderr ? this.stderr.pendingOffset() : this.lines.pendingOffset();
  }
}
