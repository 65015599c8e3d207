import "server-only";
import type { LogLine, LogParser, LogRecord, ParseSink, UnparsedLine } from "./log-record";
import { severityOf } from "./log-record";
import { DEFAULT_LOG_LINE_PREFIX } from "./pg-log-prefix";
import { PgPrefixReader } from "./pg-prefix-reader";

type Attached = "detail" | "hint" | "context" | "statement";
/** Lines PostgreSQL writes after the primary one of a report; null ones are kept in raw only (a switch: no map lookup per line). */
function attachedOf(level: string): Attached | null | undefined {
  switch (level) {
    case "DETAIL":
      return "detail";
    case "STATEMENT":
      return "statement";
    case "HINT":
      return "hint";
    case "CONTEXT":
      return "context";
    case "QUERY":
    case "LOCATION":
      return null;
    default:
      return undefined;
  }
}

/**
 * PostgreSQL's stderr log (with any log_line_prefix). An ERROR line and the DETAIL, HINT,
 * CONTEXT and STATEMENT lines the same backend writes right after it become one record; the
 * server indents the continuation lines of a multi-line message with a tab.
 */
export class PgStderrParser implements LogParser {
  private current: LogRecord | null = null;
  private lastField: Attached | "message" | null = null;
  private readonly prefix: PgPrefixReader;

  constructor(
    private readonly sink: ParseSink,
    logLinePrefix = DEFAULT_LOG_LINE_PREFIX,
    handRead = true,
  ) {
    this.prefix = new PgPrefixReader(logLinePrefix, handRead);
  }

  push(line: LogLine): void {
    const { text, offset } = line;
    if (line.bad) return this.unparsed({ offset, lines: 1, raw: text, reason: line.bad });
    const p = this.prefix;
    const cur = this.current;
    if (p.read(text)) {
      const level = p.level;
      const pid = p.pid;
      const attached = attachedOf(level);
      if (cur && attached !== undefined && cur.fields.pid === pid) {
        if (attached) cur[attached] = text.slice(p.body);
        this.lastField = attached;
        cur.raw += `\n${text}`;
        cur.lines++;
        return;
      }
      this.emit();
      const time = p.time();
      // One object shape for every record keeps this loop monomorphic; undefined fields are not stored.
      const fields: Record<string, unknown> = { pid, user: p.user(text), db: p.db(text), app: p.app() };
      if (line.invalidUtf8) fields.invalidUtf8 = true;
      this.current = {
        offset, lines: 1, raw: text, format: "pg-stderr", time, level, severity: severityOf(level), message: text.slice(p.body), fields,
        code: p.sqlstate(), text: undefined, detail: undefined, hint: undefined, context: undefined, statement: undefined,
      };
      this.lastField = "message";
      return;
    }
    if (cur && (text.charCodeAt(0) === 9 || text.charCodeAt(0) === 32)) {
      cur.raw += `\n${text}`;
      cur.lines++;
      const f = this.lastField;
      if (f === "message") cur.message += `\n${text.trim()}`;
      else if (f) cur[f] += `\n${text.trim()}`;
      return;
    }
    if (text.length === 0) {
      if (cur) {
        cur.raw += "\n";
        cur.lines++;
      } else this.sink.blank();
      return;
    }
    this.unparsed({ offset, lines: 1, raw: text, reason: line.invalidUtf8 ? "invalid_utf8" : "no_prefix_match" });
  }

  flush(): void {
    this.emit();
  }

  pendingOffset(): number | null {
    return this.current?.offset ?? null;
  }

  private unparsed(u: UnparsedLine) {
    this.emit();
    this.sink.unparsed(u);
  }

  private emit() {
    if (!this.current) return;
    this.sink.record(this.current);
    this.current = null;
    this.lastField = null;
  }
}

/** Parses a whole list of lines at once (tests, small inputs). */
export function parsePgStderr(
  lines: Iterable<{ text: string; offset: number }>,
  logLinePrefix = DEFAULT_LOG_LINE_PREFIX,
): { records: LogRecord[]; unparsed: UnparsedLine[] } {
  const records: LogRecord[] = [];
  const unparsed: UnparsedLine[] = [];
  const parser = new PgStderrParser({ record: (r) => records.push(r), unparsed: (u) => unparsed.push(u), blank: () => {} }, logLinePrefix);
  for (const l of lines) parser.push(l);
  parser.flush();
  return { records, unparsed };
}
