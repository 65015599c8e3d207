import "server-only";
import type { LogLine, LogParser, LogRecord, ParseSink } from "./log-record";
import { severityOf } from "./log-record";
import { parsePgTimestampFast } from "./pg-log-prefix";

// csvlog columns (PostgreSQL docs, runtime-config-logging "Using CSV-Format Log Output"); 13 ends
// at backend_type, 14+ add leader_pid and query_id.
const COL = {
  time: 0,
  user: 1,
  db: 2,
  pid: 3,
  from: 4,
  session: 5,
  cmd: 7,
  vxid: 9,
  xid: 10,
  level: 11,
  sqlstate: 12,
  message: 13,
  detail: 14,
  hint: 15,
  internalQuery: 16,
  context: 18,
  query: 19,
  location: 21,
  app: 22,
  backendType: 23,
};
const MIN_COLUMNS = 22;
/** A quoted field left open for this long is a broken file, not a long statement. */
const MAX_RECORD_LINES = 10_000;
const MAX_RECORD_CHARS = 4 * 1024 * 1024;

/** Splits one CSV record (RFC 4180 quoting, as PostgreSQL writes it); null when quotes do not balance. */
export function splitCsv(text: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = text.length;
  for (;;) {
    if (text.charCodeAt(i) === 34) {
      let val = "";
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q === -1) return null;
        val += text.slice(j, q);
        if (text.charCodeAt(q + 1) === 34) {
          val += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      out.push(val);
    } else {
      const c = text.indexOf(",", i);
      const end = c === -1 ? n : c;
      out.push(text.slice(i, end));
      i = end;
    }
    if (i >= n) return out;
    if (text.charCodeAt(i) !== 44) return null;
    i++;
  }
}

function quotesBalanced(text: string): boolean {
  let count = 0;
  for (let q = text.indexOf('"'); q !== -1; q = text.indexOf('"', q + 1)) count++;
  return count % 2 === 0;
}

/** PostgreSQL's csvlog: one record per CSV row; quoted fields carry the newlines of multi-line messages. */
export class PgCsvParser implements LogParser {
  private pending: { offset: number; lines: number; text: string } | null = null;

  constructor(private readonly sink: ParseSink) {}

  push(line: LogLine): void {
    if (line.bad) {
      this.abandon("truncated_record");
      return this.sink.unparsed({ offset: line.offset, lines: 1, raw: line.text, reason: line.bad });
    }
    if (this.pending) {
      this.pending.text += `\n${line.text}`;
      this.pending.lines++;
    } else {
      if (line.text.length === 0) return this.sink.blank();
      this.pending = { offset: line.offset, lines: 1, text: line.text };
    }
    const p = this.pending;
    if (quotesBalanced(p.text)) {
      this.pending = null;
      this.emit(p);
    } else if (p.lines > MAX_RECORD_LINES || p.text.length > MAX_RECORD_CHARS) {
      this.abandon("unbalanced_quotes");
    }
  }

  flush(): void {
    this.abandon("truncated_record");
  }

  pendingOffset(): number | null {
    return this.pending?.offset ?? null;
  }

  private abandon(reason: string) {
    if (!this.pending) return;
    const p = this.pending;
    this.pending = null;
    this.sink.unparsed({ offset: p.offset, lines: p.lines, raw: p.text, reason });
  }

  private emit(p: { offset: number; lines: number; text: string }) {
    const cols = splitCsv(p.text);
    const time = cols && cols.length >= MIN_COLUMNS ? parsePgTimestampFast(cols[COL.time]) : null;
    if (!cols || !time || Number.isNaN(time.getTime()) || !cols[COL.level]) {
      return this.sink.unparsed({ offset: p.offset, lines: p.lines, raw: p.text, reason: "not_csvlog" });
    }
    const level = cols[COL.level];
    const fields: Record<string, unknown> = { pid: Number(cols[COL.pid]) || 0 };
    if (cols[COL.user]) fields.user = cols[COL.user];
    if (cols[COL.db]) fields.db = cols[COL.db];
    if (cols[COL.app]) fields.app = cols[COL.app];
    if (cols[COL.backendType]) fields.backendType = cols[COL.backendType];
    if (cols[COL.session]) fields.session = cols[COL.session];
    if (cols[COL.xid] && cols[COL.xid] !== "0") fields.xid = cols[COL.xid];
    const rec: LogRecord = {
      offset: p.offset,
      lines: p.lines,
      raw: p.text,
      format: "pg-csv",
      time,
      level,
      severity: severityOf(level),
      message: cols[COL.message],
      fields,
    };
    if (cols[COL.sqlstate] && cols[COL.sqlstate] !== "00000") rec.code = cols[COL.sqlstate];
    if (cols[COL.detail]) rec.detail = cols[COL.detail];
    if (cols[COL.hint]) rec.hint = cols[COL.hint];
    if (cols[COL.context]) rec.context = cols[COL.context];
    if (cols[COL.query]) rec.statement = cols[COL.query];
    this.sink.record(rec);
  }
}
