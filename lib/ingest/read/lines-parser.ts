import "server-only";
import { parseJsonObject, recordFromJson } from "./json-record";
import type { LogLine, LogParser, LogRecord, ParseSink } from "./log-record";
import { severityOf } from "./log-record";
import { DateContext, readPartialStamp } from "./app-stamps";
import { readMongoLegacy } from "./mongo-legacy";
import { classify } from "../classify/catalog";

type Stack = "none" | "python" | "python-done" | "python-chain" | "node" | "node-uncaught";
type TextRecord = LogRecord & { stack: Stack; stamped: boolean };

const CLOSING = /^[)\]}]{1,4}[;,.]?$/;

/** Whether a line's own words are a failure the catalog knows (not merely a line at some level). */
const names = (text: string) => classify(text, undefined, { format: "app-text", severity: "error" }) !== null;

// ISO dates, and Go's log package and nginx's error log (`2026/12/01 10:00:00`).
export const STAMP = /^\[?(\d{4}[-/]\d{2}[-/]\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2}| ?UTC)?)\]?[\s|:-]+(.*)$/;
/** Ruby's Logger: `E, [2026-12-01T10:00:00.123456 #1] ERROR -- progname: message`. */
const RUBY_LOGGER = /^[DIWEFAU], \[(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?) #\d+\]\s+([A-Z]+) -- [^:]*: ?(.*)$/;
/** The access log of Apache, nginx and most HTTP servers (common/combined): its status gives the level. */
const ACCESS_LOG = /^\S+ \S+ \S+ \[(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}:\d{2}:\d{2}) ([+-]\d{4})\] "[^"]*" (\d{3}) /;
/** A Java or Python exception by its qualified name, alone or as a cause: `java.io.IOException: Too many open files`. */
const QUALIFIED_ERROR = /^(?:Caused by: )?((?:[a-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Warning))(?::\s*(.*))?$/;
/** A server's secondary lines an application printed under its error (PostgreSQL's DETAIL, a driver's `Detail:`). */
const SECONDARY = /^\s*(?:DETAIL|HINT|CONTEXT|Detail|Hint|Where):\s/;
/** A line that starts with its level and no stamp (Python's default `ERROR:name:msg`, `[WARN] …`): in a container's log the runtime stamps it. */
const LEVEL_FIRST = /^\[?(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|FATAL|CRITICAL|SEVERE|PANIC)\]?(?::|\s)/;
/** logfmt (Go's logrus and log/slog text handler, Heroku's router): `time=… level=error msg="…" err="…"`, read as the JSON it stands for. */
export const LOGFMT_START = /^(?:time|ts|level|lvl|at|severity)=/;
const LOGFMT_PAIR = /([\w.@-]+)=("(?:[^"\\]|\\.)*"|[^\s"]*)/g;
/** Stack frames: kept with the event, not read for its kind. */
const FRAME = /^\s*(?:at |File "|\.\.\. \d+ (?:more|common frames omitted)|[\w$.<>]+\([\w$.]*:\d+\)$)/;
// Level words in any case: `ERROR`, `error`, `Error:`, `[warn]`.
const LEVEL = /\b(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|CRIT|EMERG|SEVERE|PANIC)\b/i;
/** A stack frame or a cause a logger printed with a stamp of its own (winston, pino, log4j per line). */
const STAMPED_FRAME = /^(?:\s+at \S|\s*Caused by: |\s+\.\.\. \d+ (?:more|common frames omitted))/;
/** log4j/logback's `[thread] logger - ` between the level and the message. */
const LOGGER_HEAD = /^\s*(?:\[[^\]]*\]\s*)?(?:[\w.$]+\s+)?-\s/;
/** Node's util.inspect of an error (before Node 12): `{ Error: EMFILE: …` and `{ [Error: …] code: … }`. */
const NODE_ERROR_OBJECT = /^\{ (?:\[((?:[A-Z][\w$]*)?Error)(?:: ([^\]]*))?\]|((?:[A-Z][\w$]*)?Error): (.*))/;
const INSPECT_CODE = /\bcode: '([A-Z][A-Z0-9_]+)'/;
const TRACEBACK = "Traceback (most recent call last):";
const CHAINED =
  /^(?:During handling of the above exception, another exception occurred:|The above exception was the direct cause of the following exception:)$/;
// Node prints `Error [CODE]: message` and `SomeError: message`; an uncaught throw starts with `file:line`.
const JS_ERROR = /^(?:Uncaught )?([A-Z][\w$]*(?:Error|Exception)|Error)(?: \[([A-Z][A-Z0-9_]+)\])?(?::\s+(.*))?$/;
const NODE_LOCATION = /^(?:file:\/\/|\/|[A-Za-z]:\\|node:|\[eval\]|\[stdin\]|\.{1,2}\/)\S*:\d+$/;
const ERRNO = /^(E[A-Z]{3,}):/;

const MONTH_NUMBER: Record<string, number> = { Jan: 1, Feb: 2, Mar: 3, Apr: 4, May: 5, Jun: 6, Jul: 7, Aug: 8, Sep: 9, Oct: 10, Nov: 11, Dec: 12 };

function readLogfmt(text: string): Record<string, unknown> | null {
  const o: Record<string, unknown> = {};
  let n = 0;
  LOGFMT_PAIR.lastIndex = 0;
  for (let m = LOGFMT_PAIR.exec(text); m; m = LOGFMT_PAIR.exec(text)) {
    let v = m[2];
    if (v.startsWith('"')) {
      try {
        v = JSON.parse(v) as string;
      } catch {
        v = v.slice(1, -1);
      }
    }
    o[m[1]] = v;
    n++;
  }
  return n >= 2 && (o.msg !== undefined || o.message !== undefined || o.err !== undefined || o.error !== undefined) ? o : null;
}

function stampTime(s: string): Date | null {
  const iso = s.replace(/\//g, "-").replace(",", ".").replace(" UTC", "Z").replace("UTC", "Z").replace(" ", "T");
  const d = new Date(/Z|[+-]\d{2}:?\d{2}$/.test(iso) ? iso : `${iso}Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * Line-oriented logs of any kind: JSON lines (PostgreSQL jsonlog, MongoDB, pino, winston, bunyan,
 * Python logging JSON) and plain text lines with a leading timestamp, with Python tracebacks and
 * Node stacks stitched into the line they belong to (or into a record of their own).
 */
export class LinesParser implements LogParser {
  private current: TextRecord | null = null;
  private readonly dates: DateContext;

  constructor(
    private readonly sink: ParseSink,
    opts: { refTime?: Date } = {},
  ) {
    this.dates = new DateContext(opts.refTime);
  }

  push(line: LogLine): void {
    const { text, offset } = line;
    if (line.bad) {
      this.emit();
      return this.sink.unparsed({ offset, lines: 1, raw: text, reason: line.bad });
    }
    const cur = this.current;
    const first = text.charCodeAt(0);
    if (first === 123 /* { */ && text.length > 1) {
      const o = parseJsonObject(text);
      if (o) {
        this.emit();
        const rec = recordFromJson(o, { offset, lines: 1, raw: text });
        if (line.invalidUtf8) rec.fields.invalidUtf8 = true;
        return this.sink.record(rec);
      }
    }
    if (text.length === 0 || text.trim().length === 0) {
      if (cur && cur.stack !== "none") return this.attach(cur, text);
      return this.sink.blank();
    }
    if (first >= 97 && first <= 122 && LOGFMT_START.test(text)) {
      const o = readLogfmt(text);
      if (o) {
        this.emit();
        const rec = recordFromJson(o, { offset, lines: 1, raw: text });
        rec.format = "app-logfmt";
        return this.sink.record(rec);
      }
    }
    // mongod before 4.4: its own severity letters and component, not an application's level word.
    const mongo = (first >= 48 && first <= 57) || (first >= 65 && first <= 90) ? readMongoLegacy(line) : null;
    if (mongo) {
      this.emit();
      return this.sink.record(mongo);
    }
    const ruby = first >= 65 && first <= 90 && text.charCodeAt(1) === 44 ? RUBY_LOGGER.exec(text) : null;
    if (ruby) {
      const time = stampTime(ruby[1]);
      this.dates.saw(time);
      return this.start(line, time, `${ruby[2]}: ${ruby[3]}`, "none", true);
    }
    const stamped = STAMP.exec(text);
    if (stamped) {
      const time = stampTime(stamped[1]);
      this.dates.saw(time);
      return this.start(line, time, stamped[2], "none", true);
    }
    const access = first !== 32 && first !== 9 ? ACCESS_LOG.exec(text) : null;
    if (access) return this.accessLine(line, access);
    if (first === 123) {
      const obj = NODE_ERROR_OBJECT.exec(text);
      if (obj) return this.errorObject(line, obj);
    }
    const partial = first === 32 || first === 9 ? null : readPartialStamp(text);
    if (partial) {
      const { time, inferred } = this.dates.resolve(partial);
      this.start(line, time, partial.rest, "none", true);
      if (inferred && this.current !== cur) this.current!.fields.timestampInferred = inferred;
      return;
    }
    if (LEVEL_FIRST.test(text)) return this.start(line, null, text, "none", true);
    if (text === TRACEBACK) {
      if (cur && (cur.stack === "python-chain" || (cur.stamped && cur.stack === "none" && cur.lines === 1))) {
        cur.stack = "python";
        return this.attach(cur, text);
      }
      return this.start(line, null, "", "python", false);
    }
    if (cur && CHAINED.test(text) && (cur.stack === "python-done" || cur.stack === "python")) {
      cur.stack = "python-chain";
      return this.attach(cur, text);
    }
    if (cur && SECONDARY.test(text)) {
      this.attach(cur, text);
      return this.readAlso(cur, text);
    }
    if (first === 32 || first === 9) {
      if (!cur) return this.orphan(line);
      const code = cur.stack === "node" ? /^\s+code: '([^']+)'/.exec(text) : null;
      if (code) cur.code = code[1];
      this.attach(cur, text);
      // A driver's or ORM's error fields under its message (`original: error: duplicate key …`) say
      // what failed; frames only say where.
      if (cur.stack !== "python" && !FRAME.test(text)) this.readAlso(cur, text);
      return;
    }
    if (cur?.stack === "python") {
      // The exception line closes a traceback: `ValueError: boom`, `OSError: [Errno 24] …`.
      cur.stack = "python-done";
      this.attach(cur, text);
      cur.text = cur.text ? `${cur.text} ${text}` : text;
      if (!cur.stamped || !cur.message) cur.message = text;
      cur.fields.exceptionType = text.split(":", 1)[0];
      return;
    }
    const js = JS_ERROR.exec(text);
    if (js) {
      if (cur && (cur.stack === "node-uncaught" || (cur.stamped && cur.stack === "none" && cur.lines === 1))) {
        if (cur.stack === "node-uncaught") cur.message = text;
        cur.stack = "node";
        this.attach(cur, text);
      } else {
        this.start(line, null, text, "node", false);
      }
      const c = this.current!;
      c.text = c.text ? `${c.text} ${text}` : text;
      c.fields.exceptionType = js[1];
      const code = js[2] ?? (js[3] ? ERRNO.exec(js[3])?.[1] : undefined);
      if (code) c.code = code;
      return;
    }
    const qualified = QUALIFIED_ERROR.exec(text);
    if (qualified) {
      // Under the stamped line that logged it (log4j, logback, Python's logging.exception), else an event of its own.
      if (cur && cur.stamped) {
        this.attach(cur, text);
        if (cur.stack === "none") cur.stack = "node";
      } else this.start(line, null, text, "node", false);
      const c = this.current!;
      this.readAlso(c, text);
      c.fields.exceptionType ??= qualified[1];
      return;
    }
    if (NODE_LOCATION.test(text)) return this.start(line, null, "", "node-uncaught", false);
    if (cur && (cur.stack === "node" || cur.stack === "node-uncaught") && (text === "}" || /^Node\.js v\d/.test(text))) return this.attach(cur, text);
    // The closing bracket of a message that spans lines (Rails' `(PG::UniqueViolation: … DETAIL: …\n)`).
    if (cur && CLOSING.test(text)) return this.attach(cur, text);
    this.orphan(line);
  }

  flush(): void {
    this.emit();
  }

  pendingOffset(): number | null {
    return this.current?.offset ?? null;
  }

  /** `{ Error: EMFILE: too many open files, open '/x'` … `code: 'EMFILE' … }`: one event, alone or under the stamped line before it. */
  private errorObject(line: LogLine, obj: RegExpExecArray) {
    const cur = this.current;
    const type = obj[1] ?? obj[3];
    const text = `${type}: ${obj[2] ?? obj[4] ?? ""}`.replace(/\s*\}\s*$/, "").trim();
    if (cur && cur.stamped && cur.stack === "none" && cur.lines === 1) {
      cur.stack = "node";
      this.attach(cur, line.text);
    } else this.start(line, null, text, "node", false);
    const c = this.current!;
    c.text = c.text ? `${c.text} ${text}` : text;
    c.fields.exceptionType = type;
    const code = INSPECT_CODE.exec(line.text)?.[1] ?? ERRNO.exec(obj[2] ?? obj[4] ?? "")?.[1];
    if (code) c.code = code;
  }

  private start(line: LogLine, time: Date | null, rest: string, stack: Stack, stamped: boolean) {
    let level = stack === "none" ? "INFO" : "ERROR";
    let message = rest;
    if (stamped) {
      const m = LEVEL.exec(rest.slice(0, 64));
      const after = m ? rest.slice(m.index + m[1].length).replace(/^[\]:|-]/, "") : rest;
      // A stack line the logger stamped again belongs to the event above it.
      const cur = this.current;
      if (cur && (STAMPED_FRAME.test(after) || STAMPED_FRAME.test(after.replace(LOGGER_HEAD, "")))) {
        if (cur.stack === "none") cur.stack = "node";
        return this.attach(cur, line.text);
      }
      if (m) {
        level = m[1].toUpperCase();
        message = after.replace(/^[\]\s:|-]+/, "");
      }
    }
    this.emit();
    const fields: Record<string, unknown> = line.invalidUtf8 ? { invalidUtf8: true } : {};
    this.current = {
      offset: line.offset,
      lines: 1,
      raw: line.text,
      format: "app-text",
      time,
      level,
      severity: severityOf(level),
      message,
      fields,
      stack,
      stamped,
    };
  }

  /** A continuation line that is also read for the event's kind and entities (LogRecord.text). */
  private readAlso(cur: TextRecord, text: string) {
    const t = text.trim();
    if ((cur.text?.length ?? 0) + t.length > 4_096) return;
    cur.text = cur.text ? `${cur.text} ${t}` : t;
  }

  /** `127.0.0.1 - - [01/Dec/2026:10:00:00 +0000] "POST /x HTTP/1.1" 429 12 …`: one request, its level by status. */
  private accessLine(line: LogLine, m: RegExpExecArray) {
    const time = new Date(`${m[3]}-${String(MONTH_NUMBER[m[2]] ?? 0).padStart(2, "0")}-${m[1]}T${m[4]}${m[5].slice(0, 3)}:${m[5].slice(3)}`);
    const status = Number(m[6]);
    const level = status >= 500 ? "ERROR" : status === 429 ? "WARNING" : "INFO";
    this.start(line, Number.isNaN(time.getTime()) ? null : time, `${level}: ${line.text}`, "none", true);
    this.current!.fields.httpStatus = status;
  }

  private attach(cur: TextRecord, text: string) {
    cur.raw += `\n${text}`;
    cur.lines++;
  }

  private orphan(line: LogLine) {
    // Console output pasted or piped without a logger (`Unique constraint failed on the fields: …`,
    // `OSError: [Errno 24] …` on its own): a line that names a known failure is that failure's
    // event, without a time; any other line nothing reads stays unparsed.
    if (!line.invalidUtf8 && line.text.length <= 4_096 && names(line.text)) {
      this.start(line, null, line.text.trim(), "none", false);
      this.current!.level = "ERROR";
      this.current!.severity = "error";
      return;
    }
    this.emit();
    this.sink.unparsed({ offset: line.offset, lines: 1, raw: line.text, reason: line.invalidUtf8 ? "invalid_utf8" : "unknown_format" });
  }

  private emit() {
    const cur = this.current;
    if (!cur) return;
    this.current = null;
    if (cur.stack === "python" || cur.stack === "python-chain") cur.fields.truncated = true;
    if (!cur.message) cur.message = cur.stack === "python" || cur.stack === "python-chain" ? "Traceback (truncated)" : cur.raw.split("\n", 1)[0];
    const { stack: _s, stamped: _t, ...rec } = cur;
    this.sink.record(rec);
  }
}
