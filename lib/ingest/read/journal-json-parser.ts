import "server-only";
import { parseJsonObject } from "./json-record";
import { LinesParser } from "./lines-parser";
import type { LogLine, LogParser, ParseSink } from "./log-record";
import { PgSyslogParser, type SyslogOptions } from "./pg-syslog-parser";

type Json = Record<string, unknown>;

/** A `journalctl -o json` entry: `{MESSAGE, SYSLOG_IDENTIFIER, _PID, _HOSTNAME, __REALTIME_TIMESTAMP (µs), PRIORITY}`. */
export function isJournalEntry(o: Json): boolean {
  return typeof o.MESSAGE === "string" && (typeof o.SYSLOG_IDENTIFIER === "string" || typeof o._COMM === "string") && "__REALTIME_TIMESTAMP" in o;
}

/** The entry as the syslog line rsyslog would have written for it (RFC 5424 keeps the pid and the exact time). */
export function journalLine(o: Json): string {
  const us = Number(o.__REALTIME_TIMESTAMP);
  const iso = Number.isFinite(us) ? new Date(Math.floor(us / 1000)).toISOString() : "-";
  const pri = 8 + (Number(o.PRIORITY ?? 6) & 7); // facility user: only the severity is read
  const tag = String(o.SYSLOG_IDENTIFIER ?? o._COMM).replace(/\s/g, "_");
  const pid = String(o.SYSLOG_PID ?? o._PID ?? "-");
  const host = typeof o._HOSTNAME === "string" && o._HOSTNAME ? o._HOSTNAME : "-";
  return `<${pri}>1 ${iso} ${host} ${tag} ${pid} - - ${String(o.MESSAGE).replace(/\n/g, "#012")}`;
}

/**
 * journald's JSON export: each entry's MESSAGE is what PostgreSQL sent (through syslog, with
 * `[N-M]`, or its stderr under systemd), so entries are read as the syslog lines they stand for;
 * other JSON lines as application lines.
 */
export class JournalJsonParser implements LogParser {
  private readonly syslog: PgSyslogParser;
  private readonly lines: LinesParser;

  constructor(sink: ParseSink, opts: SyslogOptions) {
    this.syslog = new PgSyslogParser(sink, opts);
    this.lines = new LinesParser(sink, { refTime: opts.refTime });
  }

  push(line: LogLine): void {
    const o = !line.bad && line.text.charCodeAt(0) === 123 ? parseJsonObject(line.text) : null;
    if (o && isJournalEntry(o)) return this.syslog.push({ text: journalLine(o), offset: line.offset, invalidUtf8: line.invalidUtf8 });
    this.lines.push(line);
  }

  flush(): void {
    this.syslog.flush();
    this.lines.flush();
  }

  pendingOffset(): number | null {
    const a = this.syslog.pendingOffset();
    const b = this.lines.pendingOffset();
    return a === null ? b : b === null ? a : Math.min(a, b);
  }
}
