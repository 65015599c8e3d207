import "server-only";
import type { LogLine, LogParser, LogRecord, ParseSink, UnparsedLine } from "./log-record";
import { severityOf } from "./log-record";
import { DEFAULT_LOG_LINE_PREFIX } from "./pg-log-prefix";
import { LOCALIZED_ATTACHED } from "../classify/pg-l10n-words";
import { PgPrefixReader } from "./pg-prefix-reader";

export type Attached = "detail" | "hint" | "context" | "statement";
/** Lines PostgreSQL writes after the primary one of a report; null ones are kept in raw only (a switch: no map lookup per line). */
export function attachedOf(level: string): Attached | null | undefined {
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
    case "LOG":
    case "ERROR":
    case "FATAL":
    case "WARNING":
      return undefined;
    default: {
      // The same words in a localized server's language (`ПОДРОБНОСТИ`, `INSTRUCTION `).
      const en = LOCALIZED_ATTACHED.get(level);
      return en === undefined ? undefined : attachedOf(en);
    }
  }
}

/** SQLSTATE classes (errcodes.txt): a message that merely opens with `HTTP2: ` is not a code. */
const SQLSTATE_CLASSES = new Set(
  "00 01 02 03 08 09 0A 0B 0F 0L 0P 0Z 20 21 22 23 24 25 26 27 28 2B 2D 2F 34 38 39 3B 3D 3F 40 42 44 53 54 55 57 58 72 F0 HV P0 XX".split(" "),
);

/** `XXXXX: ` at `at`: a known class, three more digits or capitals, a colon and a space. */
function isSqlstateAt(t: string, at: number): boolean {
  if (t.charCodeAt(at + 5) !== 58 || t.charCodeAt(at + 6) !== 32) return false;
  for (let k = at; k < at + 5; k++) {
    const c = t.charCodeAt(k);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90))) return false;
  }
  return SQLSTATE_CLASSES.has(t.slice(at, at + 2));
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
      // log_error_verbosity = verbose writes the SQLSTATE before the message: `ERROR:  23505: duplicate key …`.
      const verbose = isSqlstateAt(text, p.body);
      // 00000 (successful completion) is no error code, as csvlog and jsonlog readers treat it too.
      const state = p.sqlstate() ?? (verbose ? text.slice(p.body, p.body + 5) : undefined);
      this.current = {
        offset,
        lines: 1,
        raw: text,
        format: "pg-stderr",
        time,
        level,
        severity: severityOf(level),
        message: text.slice(verbose ? p.body + 7 : p.body),
        fields,
        code: state === "00000" ? undefined : state,
        text: undefined,
        detail: undefined,
        hint: undefined,
        context: undefined,
        statement: undefined,
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
