import "server-only";
import type { LogLine, LogParser, LogRecord, ParseSink } from "./log-record";
import { severityOf } from "./log-record";
import { PgReportReader } from "./pg-report";
import { attachedOf } from "./pg-stderr-parser";
import { readSyslogLine, SYSLOG_LEVELS, type SyslogLine, syslogTime, unescapeSyslog } from "./syslog-line";

/** `[N-M] ` (syslog_sequence_numbers: report N of the process, chunk M) or `[N] `. */
const SEQ = /^ *\[(\d+)(?:-(\d+))?\] /;
/** Heroku's attachment colour, before or after the sequence numbers: `[DATABASE] `, `[CHARCOAL] `. */
const COLOR = /^ *\[[A-Z][A-Z0-9_]*\] +/;
/** syslog_split_messages cuts a line at PG_SYSLOG_LIMIT (900 bytes), at a space when it can. */
const SPLIT_AT = 700;
/** A report not continued within this many lines is complete (its chunks arrive back to back). */
const IDLE_LINES = 64;

export type SyslogOptions = {
  /** The log_line_prefix inside the syslog message (often empty: syslog has a stamp and pid of its own). */
  innerPrefix?: string;
  /** Whether a bare `[N]` numbers reports (sequence numbers on) or chunks (off, with splitting on). */
  bareNumbers?: "report" | "chunk";
  /** What a stamp without a year is read against (the file's modification time). */
  refTime?: Date;
};

type Report = {
  head: SyslogLine;
  pid: number;
  seq: number;
  chunk: number;
  offset: number;
  raws: string[];
  lines: string[];
  lastLen: number;
  seen: number;
  pg: boolean;
};

/**
 * PostgreSQL logging through syslog (log_destination = syslog, rsyslog or journald files, Heroku
 * logplex): the chunks of one report (same process, same sequence number) are stitched back into
 * its lines, a line cut at 900 bytes is joined again, and the report is read like a stderr one.
 */
export class PgSyslogParser implements LogParser {
  private readonly open = new Map<number, Report>();
  private readonly reports: PgReportReader;
  private last: Report | null = null;
  private count = 0;
  private readonly ref: Date;

  constructor(
    private readonly sink: ParseSink,
    private readonly opts: SyslogOptions = {},
  ) {
    this.reports = new PgReportReader(opts.innerPrefix ?? "");
    this.ref = opts.refTime ?? new Date();
  }

  push(line: LogLine): void {
    const { text, offset } = line;
    if (++this.count % IDLE_LINES === 0) this.closeIdle();
    if (line.bad) return this.sink.unparsed({ offset, lines: 1, raw: text, reason: line.bad });
    const s = text.length ? readSyslogLine(text) : null;
    if (!s) {
      // A message sent with a raw newline (no escaping, no splitting): the rest of the last report.
      const r = this.last;
      if (r && text.length && this.open.get(r.pid) === r) {
        r.raws.push(text);
        r.lines.push(text);
        r.seen = this.count;
        return;
      }
      if (!text.trim()) return this.sink.blank();
      return this.sink.unparsed({ offset, lines: 1, raw: text, reason: line.invalidUtf8 ? "invalid_utf8" : "no_syslog_header" });
    }
    let msg = unescapeSyslog(s.msg);
    const heroku = s.tag === "app";
    if (heroku) msg = msg.replace(COLOR, "");
    const seq = SEQ.exec(msg);
    let n = -1;
    let chunk = 1;
    if (seq) {
      msg = msg.slice(seq[0].length);
      const color = heroku ? COLOR.exec(msg) : null;
      if (color && /^[A-Z]+\d?:  /.test(msg.slice(color[0].length))) msg = msg.slice(color[0].length);
      if (seq[2] !== undefined) {
        n = Number(seq[1]);
        chunk = Number(seq[2]);
      } else if (this.opts.bareNumbers === "chunk") chunk = Number(seq[1]);
      else n = Number(seq[1]);
    } else if (msg.charCodeAt(0) === 32 && msg.charCodeAt(1) !== 32) msg = msg.slice(1);
    const pid = s.pid;
    const cur = this.open.get(pid);
    if (cur && chunk > 1 && (n === -1 || n === cur.seq) && chunk === cur.chunk + 1) {
      this.addChunk(cur, text, msg, chunk);
      return;
    }
    // No numbers (PostgreSQL's stderr through journald, one entry a line): a DETAIL, HINT, … or
    // tab-led line of the same process continues its report, as in a stderr log.
    if (cur && !seq && cur.seq === -1 && cur.pg && this.continues(msg)) {
      cur.raws.push(text);
      cur.lines.push(...msg.split("\n"));
      cur.seen = this.count;
      return;
    }
    if (cur) this.close(cur);
    const r: Report = {
      head: s,
      pid,
      seq: n,
      chunk,
      offset,
      raws: [text],
      lines: msg.split("\n"),
      lastLen: msg.length,
      seen: this.count,
      pg: seq !== null || heroku || this.reports.head(msg) !== null,
    };
    this.open.set(pid, r);
    this.last = r;
  }

  private continues(msg: string): boolean {
    if (msg.charCodeAt(0) === 9) return true;
    const h = this.reports.head(msg);
    return h !== null && attachedOf(h.level) !== undefined;
  }

  private addChunk(r: Report, raw: string, msg: string, chunk: number) {
    r.raws.push(raw);
    r.chunk = chunk;
    r.seen = this.count;
    const c = msg.charCodeAt(0);
    // A chunk that starts a line of its own: a tab-led continuation or a new prefixed line;
    // otherwise the rest of a line syslog cut at its limit.
    if (r.lastLen >= SPLIT_AT && c !== 9 && !this.reports.head(msg)) r.lines[r.lines.length - 1] += msg;
    else r.lines.push(msg);
    r.lastLen = msg.length;
  }

  flush(): void {
    for (const r of [...this.open.values()].sort((a, b) => a.offset - b.offset)) this.close(r);
  }

  pendingOffset(): number | null {
    let min: number | null = null;
    for (const r of this.open.values()) if (min === null || r.offset < min) min = r.offset;
    return min;
  }

  private closeIdle() {
    for (const r of this.open.values()) if (this.count - r.seen >= IDLE_LINES) this.close(r);
  }

  private close(r: Report) {
    this.open.delete(r.pid);
    if (this.last === r) this.last = null;
    const h = r.head;
    const format = h.tag === "app" ? "pg-heroku" : "pg-syslog";
    let rec: LogRecord | null = this.reports.read(r.lines, format);
    if (!rec) {
      const level = h.severity >= 0 ? SYSLOG_LEVELS[h.severity] : "INFO";
      rec = {
        offset: 0,
        lines: 1,
        raw: "",
        format: r.pg ? format : "syslog",
        time: null,
        level,
        severity: severityOf(level),
        message: r.lines.join("\n"),
        fields: { pid: r.pid },
      };
    }
    rec.offset = r.offset;
    rec.lines = r.raws.length;
    rec.raw = r.raws.join("\n");
    rec.time ??= syslogTime(h, this.ref);
    const f = rec.fields;
    if (!f.pid) f.pid = r.pid;
    if (h.host) f.host = h.host;
    f.syslogTag = h.tag;
    this.sink.record(rec);
  }
}
