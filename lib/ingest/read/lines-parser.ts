import "server-only";
import { parseJsonObject, recordFromJson } from "./json-record";
import type { LogLine, LogParser, LogRecord, ParseSink } from "./log-record";
import { severityOf } from "./log-record";
import { DateContext, readPartialStamp } from "./app-stamps";
import { readMongoLegacy } from "./mongo-legacy";

type Stack = "none" | "python" | "python-done" | "python-chain" | "node" | "node-uncaught";
type TextRecord = LogRecord & { stack: Stack; stamped: boolean };

export const STAMP = /^\[?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2}| ?UTC)?)\]?[\s|:-]+(.*)$/;
// Level words in any case: `ERROR`, `error`, `Error:`, `[warn]`.
const LEVEL = /\b(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|SEVERE|PANIC)\b/i;
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

function stampTime(s: string): Date | null {
  const iso = s.replace(",", ".").replace(" UTC", "Z").replace("UTC", "Z").replace(" ", "T");
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
    // mongod before 4.4: its own severity letters and component, not an application's level word.
    const mongo = (first >= 48 && first <= 57) || (first >= 65 && first <= 90) ? readMongoLegacy(line) : null;
    if (mongo) {
      this.emit();
      return this.sink.record(mongo);
    }
    const stamped = STAMP.exec(text);
    if (stamped) {
      const time = stampTime(stamped[1]);
      this.dates.saw(time);
      return this.start(line, time, stamped[2], "none", true);
    }
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
    if (first === 32 || first === 9) {
      if (!cur) return this.orphan(line);
      const code = cur.stack === "node" ? /^\s+code: '([^']+)'/.exec(text) : null;
      if (code) cur.code = code[1];
      return this.attach(cur, text);
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
    if (NODE_LOCATION.test(text)) return this.start(line, null, "", "node-uncaught", false);
    if (cur && (cur.stack === "node" || cur.stack === "node-uncaught") && (text === "}" || /^Node\.js v\d/.test(text))) return this.attach(cur, text);
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

  private attach(cur: TextRecord, text: string) {
    cur.raw += `\n${text}`;
    cur.lines++;
  }

  private orphan(line: LogLine) {
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
