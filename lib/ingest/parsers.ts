import "server-only";
import { LinesParser } from "./lines-parser";
import type { LogLine, LogParser, ParseSink } from "./log-record";
import { PgCsvParser } from "./pg-csv-parser";
import { compileLogLinePrefix, DEFAULT_LOG_LINE_PREFIX } from "./pg-log-prefix";
import { PgStderrParser } from "./pg-stderr-parser";

export const LOG_FORMATS = ["auto", "pg-stderr", "pg-csv", "pg-json", "mongodb", "app"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Prefixes tried when sniffing a stderr log whose log_line_prefix was not given (defaults of PG, Debian, RDS, Azure, Cloud SQL). */
export const KNOWN_PREFIXES = ["%m [%p] %q%u@%d ", "%m [%p] %q[user=%u,db=%d,app=%a] ", DEFAULT_LOG_LINE_PREFIX, "%t:%r:%u@%d:[%p]:", "%t-%c-", "%m [%p]: [%l-1] db=%d,user=%u ", "%t [%p]: [%l-1] "];
const SNIFF_LINES = 200;
// csvlog always writes milliseconds and a zone; `2026-11-23 04:00:00,100 - app` is Python's asctime.
const CSV_START = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} [A-Za-z0-9+:-]+,/;

export type ParserOptions = { logLinePrefix?: string; fileName?: string };

function make(format: Exclude<LogFormat, "auto">, sink: ParseSink, prefix: string | undefined): LogParser {
  if (format === "pg-stderr") return new PgStderrParser(sink, prefix ?? DEFAULT_LOG_LINE_PREFIX);
  if (format === "pg-csv") return new PgCsvParser(sink);
  return new LinesParser(sink);
}

/** Picks a parser from the first readable line (and the file name), then hands every line to it. */
class SniffingParser implements LogParser {
  private inner: LogParser | null = null;
  private held: LogLine[] = [];
  private sample: string[] = [];
  detected: Exclude<LogFormat, "auto"> | null = null;

  constructor(
    private readonly sink: ParseSink,
    private readonly opts: ParserOptions,
  ) {}

  push(line: LogLine): void {
    if (this.inner) return this.inner.push(line);
    this.held.push(line);
    if (!line.bad && line.text.trim().length > 0) this.sample.push(line.text);
    // Background processes omit %q parts of a prefix: look at enough lines to see a session's.
    if (this.sample.length >= SNIFF_LINES || this.held.length >= 4 * SNIFF_LINES) this.decide();
  }

  flush(): void {
    if (!this.inner) this.decide();
    this.inner!.flush();
  }

  pendingOffset(): number | null {
    return this.inner ? this.inner.pendingOffset() : (this.held[0]?.offset ?? null);
  }

  private decide() {
    let prefix = this.opts.logLinePrefix;
    let format: Exclude<LogFormat, "auto"> = "app";
    const name = this.opts.fileName ?? "";
    const text = this.sample[0] ?? "";
    if (text.startsWith("{") || name.endsWith(".json")) format = "app";
    else if (name.endsWith(".csv") || CSV_START.test(text)) format = "pg-csv";
    else {
      // The prefix that reads the most sampled lines; the given one wins ties.
      let best = 0;
      for (const p of prefix ? [prefix, ...KNOWN_PREFIXES] : KNOWN_PREFIXES) {
        const re = compileLogLinePrefix(p);
        const n = this.sample.filter((l) => re.test(l)).length;
        if (n > best) {
          best = n;
          format = "pg-stderr";
          prefix = p;
        }
      }
    }
    this.detected = format;
    this.inner = make(format, this.sink, prefix);
    const held = this.held;
    this.held = [];
    this.sample = [];
    for (const l of held) this.inner.push(l);
  }
}

export function createParser(format: LogFormat, sink: ParseSink, opts: ParserOptions = {}): LogParser {
  return format === "auto" ? new SniffingParser(sink, opts) : make(format, sink, opts.logLinePrefix);
}
