import { LOCALIZED_SEVERITY } from "../classify/pg-l10n-words";

/** Shapes shared by every parser: a line read, a record parsed from lines, a line nobody could read. */

export type Severity = "critical" | "error" | "warning" | "info" | "debug";

export type LogLine = {
  text: string;
  /** Byte offset of the line's first byte in its stream. */
  offset: number;
  /** Set when the line cannot be parsed as text at all: NUL/control bytes, or longer than the cap. */
  bad?: "binary" | "too_long";
  invalidUtf8?: boolean;
  /** The line's real length when `bad` is "too_long" (text holds only its first bytes). */
  byteLength?: number;
};

export type LogRecord = {
  offset: number;
  /** How many input lines this record consumed (so every line read is accounted for). */
  lines: number;
  raw: string;
  format: string;
  time: Date | null;
  level: string;
  severity: Severity;
  message: string;
  /** SQLSTATE, MongoDB code or code name, Prisma code, errno name. */
  code?: string;
  /** Error text beyond the message (exception type, error message, stack head) used to classify. */
  text?: string;
  detail?: string;
  hint?: string;
  context?: string;
  statement?: string;
  fields: Record<string, unknown>;
  /** The structured payload, searched for the configured entity fields. */
  json?: Record<string, unknown>;
};

export type UnparsedLine = { offset: number; lines: number; raw: string; reason: string };

export type ParseSink = {
  record(r: LogRecord): void;
  unparsed(u: UnparsedLine): void;
  blank(): void;
};

/** Parsers are push-based state machines so a file of any size streams through in constant memory. */
export interface LogParser {
  push(line: LogLine): void;
  /** End of input (or of a quiet period when following): emit what is pending. */
  flush(): void;
  /** Offset where the record still being assembled starts, if any (a checkpoint must not pass it). */
  pendingOffset(): number | null;
}

export const SEVERITY_RANK: Record<Severity, number> = { debug: 0, info: 1, warning: 2, error: 3, critical: 4 };

const seen = new Map<string, Severity>();

/** Maps the level words of PostgreSQL, MongoDB, syslog and the common loggers onto one scale. */
export function severityOf(level: string): Severity {
  // PostgreSQL's own words first, without a map lookup.
  switch (level) {
    case "LOG":
      return "info";
    case "ERROR":
      return "error";
    case "WARNING":
      return "warning";
    case "FATAL":
      return "critical";
  }
  let s = seen.get(level);
  if (s === undefined) {
    // PostgreSQL's words in the languages it ships (`ОШИБКА`, `FEHLER`) read as the English ones.
    s = severityOfUpper(LOCALIZED_SEVERITY.get(level) ?? level.toUpperCase());
    if (seen.size < 1000) seen.set(level, s);
  }
  return s;
}

function severityOfUpper(level: string): Severity {
  switch (level) {
    case "PANIC":
    case "FATAL":
    case "CRITICAL":
    case "CRIT":
    case "EMERG":
    case "ALERT":
    case "F":
      return "critical";
    case "ERROR":
    case "ERR":
    case "SEVERE":
    case "E":
      return "error";
    case "WARNING":
    case "WARN":
    case "W":
      return "warning";
    case "DEBUG":
    case "DEBUG1":
    case "DEBUG2":
    case "DEBUG3":
    case "DEBUG4":
    case "DEBUG5":
    case "TRACE":
    case "D":
    case "D1":
    case "D2":
    case "D3":
    case "D4":
    case "D5":
      return "debug";
    default:
      return "info";
  }
}
