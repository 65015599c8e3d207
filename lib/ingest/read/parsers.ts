import "server-only";
import { type ConcreteFormat, type Detection, detectFormat, KNOWN_PREFIXES, LOG_FORMATS, type LogFormat } from "./format-detect";
import { LinesParser } from "./lines-parser";
import type { LogLine, LogParser, ParseSink } from "./log-record";
import { CLOUD_SQL_PREFIX, PgCloudJsonParser } from "./pg-cloud-json-parser";
import { PgCsvParser } from "./pg-csv-parser";
import { DEFAULT_LOG_LINE_PREFIX } from "./pg-log-prefix";
import { PgStderrParser } from "./pg-stderr-parser";
import { PgSyslogParser } from "./pg-syslog-parser";
import { JournalJsonParser } from "./journal-json-parser";
import { detectEnvelope, ENVELOPE_NAMES, EnvelopeParser } from "./container-envelope";

export { KNOWN_PREFIXES, LOG_FORMATS, type LogFormat };

const SNIFF_LINES = 500;

export type ParserOptions = {
  logLinePrefix?: string;
  fileName?: string;
  /** What a stamp without a year or date is read against: the file's modification time (default now). */
  refTime?: Date;
};

/** A parser that can say what it decided the stream is (sniffed, or given). */
export interface DetectingParser extends LogParser {
  readonly detection: Detection | null;
}

function make(d: Detection, sink: ParseSink, opts: ParserOptions): LogParser {
  switch (d.format) {
    case "pg-stderr":
      return new PgStderrParser(sink, d.prefix ?? DEFAULT_LOG_LINE_PREFIX);
    case "pg-csv":
      return new PgCsvParser(sink);
    case "pg-syslog":
      if (d.shape === "journald JSON") return new JournalJsonParser(sink, { innerPrefix: d.prefix, bareNumbers: d.bareNumbers, refTime: opts.refTime });
      return new PgSyslogParser(sink, { innerPrefix: d.prefix, bareNumbers: d.bareNumbers, refTime: opts.refTime });
    case "pg-cloudsql":
      return new PgCloudJsonParser(sink, d.prefix ?? CLOUD_SQL_PREFIX);
    default:
      return new LinesParser(sink, { refTime: opts.refTime });
  }
}

/** Picks a parser from the first readable lines (and the file name), then hands every line to it. */
class SniffingParser implements DetectingParser {
  private inner: LogParser | null = null;
  private held: LogLine[] = [];
  private sample: string[] = [];
  private own: Detection | null = null;
  /** Inside a container runtime's envelope: the parser sniffing the lines it wraps. */
  private wrapped: { name: string; inner: SniffingParser } | null = null;

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

  get detection(): Detection | null {
    if (!this.wrapped) return this.own;
    const d = this.wrapped.inner.detection;
    return d && { ...d, envelope: this.wrapped.name };
  }

  private decide() {
    const envelope = detectEnvelope(this.sample);
    if (envelope) {
      this.inner = new EnvelopeParser(envelope, this.sink, (sink) => {
        const inner = new SniffingParser(sink, this.opts);
        this.wrapped = { name: ENVELOPE_NAMES[envelope], inner };
        return inner;
      });
    } else {
      this.own = detectFormat(this.sample, this.opts);
      this.inner = make(this.own, this.sink, this.opts);
    }
    const held = this.held;
    this.held = [];
    this.sample = [];
    for (const l of held) this.inner.push(l);
  }
}

class GivenParser implements DetectingParser {
  readonly detection: Detection;
  private readonly inner: LogParser;

  constructor(format: ConcreteFormat, sink: ParseSink, opts: ParserOptions) {
    const prefix =
      opts.logLinePrefix ??
      (format === "pg-syslog" ? "" : format === "pg-cloudsql" ? CLOUD_SQL_PREFIX : format === "pg-stderr" ? DEFAULT_LOG_LINE_PREFIX : undefined);
    this.detection = { format, prefix, matched: 0, sampled: 0, fellBack: false, given: true };
    this.inner = make(this.detection, sink, opts);
  }

  push(line: LogLine): void {
    this.inner.push(line);
  }

  flush(): void {
    this.inner.flush();
  }

  pendingOffset(): number | null {
    return this.inner.pendingOffset();
  }
}

export function createParser(format: LogFormat, sink: ParseSink, opts: ParserOptions = {}): DetectingParser {
  return format === "auto" ? new SniffingParser(sink, opts) : new GivenParser(format, sink, opts);
}
