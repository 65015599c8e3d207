import "server-only";
import { parseJsonObject, recordFromJson } from "./json-record";
import type { LogLine, LogParser, LogRecord, ParseSink } from "./log-record";
import { severityOf } from "./log-record";

type Stack = "none" | "python" | "python-done" | "python-chain" | "node" | "node-uncaught";
type TextRecord = LogRecord & { stack: Stack; stamped: boolean };

const STAMP = /^\[?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2}| ?UTC)?)\]?[\s|:-]+(.*)$/;
const LEVEL = /\b(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|SEVERE|PANIC|trace|debug|info|warn|warning|error|fatal|critical)\b/;
const TRACEBACK = "Traceback (most recent call last):";
const CHAINED = /^(?:During handling of the above exception, another exception occurred:|The above exception was the direct cause of the following exception:)$/;
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

  constructor(private readonly sink: ParseSink) {}

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
    const stamped = STAMP.exec(text);
    if (stamped) return this.start(line, stampTime(stamped[1]), stamped[2], "none", true);
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

  private start(line: LogLine, time: Date | null, rest: string, stack: Stack, stamped: boolean) {
    this.emit();
    let level = stack === "none" ? "INFO" : "ERROR";
    let message = rest;
    if (stamped) {
      const m = LEVEL.exec(rest.slice(0, 64));
      if (m) {
        level = m[1].toUpperCase();
        message = rest.slice(m.index + m[1].length).replace(/^[\]\s:|-]+/, "");
      }
    }
    const fields: Record<string, unknown> = line.invalidUtf8 ? { invalidUtf8: true } : {};
    this.current = { offset: line.offset, lines: 1, raw: line.text, format: "app-text", time, level, severity: severityOf(level), message, fields, stack, stamped };
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
