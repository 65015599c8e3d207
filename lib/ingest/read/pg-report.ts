import "server-only";
import type { LogRecord } from "./log-record";
import { severityOf } from "./log-record";
import { PgPrefixReader } from "./pg-prefix-reader";
import { attachedOf, type Attached } from "./pg-stderr-parser";

// PostgreSQL's report lines when the prefix is unknown: `…LEVEL:  message` (two spaces after the colon).
const ANY_LEVEL = /^(.*?)\b(LOG|ERROR|WARNING|FATAL|PANIC|DETAIL|HINT|CONTEXT|STATEMENT|QUERY|LOCATION|NOTICE|INFO|DEBUG[1-5]?):  /;

type Head = { level: string; body: string; time: Date | null; pid: number; user?: string; db?: string; app?: string; sqlstate?: string };

/**
 * Reads the lines of one PostgreSQL report (a message and its DETAIL, HINT, CONTEXT, STATEMENT
 * lines and tab-led continuations) that an envelope has already grouped, with the
 * log_line_prefix the envelope carries inside (often none: syslog has its own stamp and pid).
 */
export class PgReportReader {
  private readonly reader: PgPrefixReader;

  constructor(readonly prefix: string) {
    this.reader = new PgPrefixReader(prefix);
  }

  head(t: string): Head | null {
    const p = this.reader;
    if (p.read(t))
      return { level: p.level, body: t.slice(p.body), time: p.time(), pid: p.pid, user: p.user(t), db: p.db(t), app: p.app(), sqlstate: p.sqlstate() };
    const m = ANY_LEVEL.exec(t);
    return m ? { level: m[2], body: t.slice(m[0].length), time: null, pid: 0 } : null;
  }

  /** The record the lines make, or null when the first one is not a PostgreSQL report line. */
  read(lines: string[], format: string): LogRecord | null {
    const h = this.head(lines[0]);
    if (!h || attachedOf(h.level) !== undefined) return null;
    const fields: Record<string, unknown> = { pid: h.pid, user: h.user, db: h.db, app: h.app };
    const rec: LogRecord = {
      offset: 0,
      lines: 1,
      raw: "",
      format,
      time: h.time,
      level: h.level,
      severity: severityOf(h.level),
      message: h.body,
      fields,
      code: h.sqlstate,
    };
    let last: Attached | "message" | null = "message";
    for (let i = 1; i < lines.length; i++) {
      const t = lines[i];
      const c = t.charCodeAt(0);
      const next = c === 9 ? null : this.head(t);
      const attached = next ? attachedOf(next.level) : undefined;
      if (next && attached !== undefined) {
        if (attached) rec[attached] = next.body;
        last = attached;
      } else if (last === "message") rec.message += `\n${t.trim()}`;
      else if (last) rec[last] += `\n${t.trim()}`;
    }
    return rec;
  }
}
