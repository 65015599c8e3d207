import "server-only";
import { parseJsonObject, recordFromJson } from "./json-record";
import { CLOUD_SQL_PREFIX, cloudPayload } from "./pg-cloud-json-parser";
import { compileLogLinePrefix, DEFAULT_LOG_LINE_PREFIX } from "./pg-log-prefix";
import { readSyslogLine, unescapeSyslog } from "./syslog-line";
import { readPartialStamp } from "./app-stamps";
import { isJournalEntry, journalLine } from "./journal-json-parser";
import { LOGFMT_START, STAMP } from "./lines-parser";

export const LOG_FORMATS = ["auto", "pg-stderr", "pg-csv", "pg-json", "pg-syslog", "pg-cloudsql", "mongodb", "app"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
export type ConcreteFormat = Exclude<LogFormat, "auto">;

/** Prefixes tried when sniffing a stderr log whose log_line_prefix was not given (defaults of PG, Debian, RDS, Azure, Cloud SQL). */
export const KNOWN_PREFIXES = [
  "%m [%p] %q%u@%d ",
  "%m [%p] %q[user=%u,db=%d,app=%a] ",
  DEFAULT_LOG_LINE_PREFIX,
  "%t:%r:%u@%d:[%p]:",
  "%t-%c-",
  CLOUD_SQL_PREFIX,
  "%t [%p]: [%l-1] ",
  // pgBadger's documented ones (its README asks for these so that it can read sessions and clients).
  "%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ",
  "%t [%p]: user=%u,db=%d,app=%a,client=%h ",
  "%t [%p]: [%l-1] user=%u,db=%d ",
  // Debian and Ubuntu before PostgreSQL 9.5.
  "%t [%p-%l] %q%u@%d ",
];
/** For stderr also none at all (`log_line_prefix = ''`), tried last: any prefix that reads as many lines wins. */
const STDERR_PREFIXES = [...KNOWN_PREFIXES, ""];
/** What PostgreSQL writes inside a syslog message: the same, the common syslog-only ones, Heroku's two, and none (before the ones whose every part is optional, so it wins their ties). */
const HEROKU_PREFIXES = [
  ` sql_error_code = %e time_ms = "%m" pid="%p" proc_start_time="%s" session_id="%c" vtid="%v" tid="%x" log_line="%l" %qdatabase="%d" connection_source="%r" user="%u" application_name="%a" `,
  " sql_error_code = %e ",
];
const SYSLOG_PREFIXES = [
  ...KNOWN_PREFIXES,
  ...HEROKU_PREFIXES,
  "user=%u,db=%d,app=%a,client=%h ",
  "user=%u,db=%d ",
  "db=%d,user=%u ",
  "",
  "%q%u@%d ",
  "[%l-1] %quser=%u,db=%d ",
];
// csvlog always writes milliseconds and a zone; `2026-11-23 04:00:00,100 - app` is Python's asctime.
const CSV_START = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} [A-Za-z0-9+:-]+,/;
const SEQ = /^ *(?:\[[A-Z][A-Z0-9_]*\] +)?\[(\d+)(-\d+)?\] /;
const PG_LEVEL = /(?:^|\s|\]|:)(LOG|ERROR|WARNING|FATAL|PANIC|DETAIL|HINT|CONTEXT|STATEMENT|NOTICE|INFO|DEBUG[1-5]):  /;

/** What the sniffer decided, and how sure it was: the CLI prints it, the source remembers it. */
export type Detection = {
  format: ConcreteFormat;
  /** The log_line_prefix used (for syslog and Cloud SQL, the one inside the envelope). */
  prefix?: string;
  /** The envelope or shape: "rsyslog file format", "RFC 5424", "Heroku logplex", "CloudNativePG JSON", … */
  shape?: string;
  matched: number;
  sampled: number;
  /** True when the lines were read as application text for want of anything better: PostgreSQL-looking lines no prefix read, or nothing recognised. */
  fellBack: boolean;
  /** The prefix most lines carried before `LEVEL:  `, written as log_line_prefix escapes (a --prefix to try). */
  suggestedPrefix?: string;
  bareNumbers?: "report" | "chunk";
  /** The prefix is none of the known ones: it was read from the lines' heads (guessPrefix). */
  inferred?: boolean;
  /** Given with --format: nothing was sniffed. */
  given?: boolean;
  /** A container runtime's envelope the lines came in ("Docker json-file", "Kubernetes CRI"): the rest describes what was inside. */
  envelope?: string;
};

// PostgreSQL writes two spaces after `LEVEL:`; uvicorn and others pad the word to a column
// (`INFO:     127.0.0.1 …`), which with no prefix at all would read as a server's line.
const PADDED_LEVEL = /^[A-Z]+\d?: {3}/;

const bestPrefix = (lines: string[], candidates: string[]): { prefix: string; n: number } => {
  let best = { prefix: candidates[0], n: 0 };
  for (const p of candidates) {
    const re = compileLogLinePrefix(p);
    let n = 0;
    for (const l of lines) if (re.test(l) && (p !== "" || !PADDED_LEVEL.test(l))) n++;
    if (n > best.n) best = { prefix: p, n };
  }
  return best;
};

/** `2026-12-01 13:20:00.123 UTC [42] app@db ` → `%m [%p] %u@%d `: the escapes a head most likely came from. */
export function guessPrefix(line: string): string | null {
  const m = PG_LEVEL.exec(line);
  if (!m) return null;
  const head = line.slice(0, m.index + (m[0].length - m[1].length - 3));
  return (
    head
      .replace(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d+(?: [A-Z]{2,5}| [+-]\d{2}(?::?\d{2})?)?/, "%m")
      .replace(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?: [A-Z]{2,5}| [+-]\d{2}(?::?\d{2})?)?/, "%t")
      // `[%l-1]` (the line number, then a literal 1), or Ubuntu's older `[%p-%l]`.
      .replace(/\[\d+-1\]/, "[%l-1]")
      .replace(/\[\d+-\d+\]/, "[%p-%l]")
      .replace(/\[\d+\]/, "[%p]")
      .replace(/\[\d+\]/g, "[%x]")
      .replace(/\b[0-9a-f]{6,8}\.[0-9a-f]{1,8}\b/, "%c")
      .replace(/\b\d+\.\d+\.\d+\.\d+\(\d+\)/, "%r")
      .replace(/([\w$-]+|\[unknown\])@([\w$-]+|\[unknown\])(\/\S*)?/, (_m, _u, _d, app?: string) => (app ? "%u@%d/%a" : "%u@%d"))
      .replace(/user=[^,\s]*/, "user=%u")
      .replace(/db=[^,\s]*/, "db=%d")
      .replace(/app=[^,\]\s]*/, "app=%a")
      .replace(/\b(client|host|remote)=[^,\]\s]*/, "$1=%h")
      .replace(/\b(line|session_line)=\d+/, "$1=%l")
      .replace(/\bsqlstate=[0-9A-Z]{5}/, "sqlstate=%e")
      .replace(/\bpid=\d+/, "pid=%p")
      // A SQLSTATE (%e): five digits and capitals, two digits at least (`00000`, `40P01`, `23505`).
      .replace(/(^|[\s[(])(?=(?:[A-Z]*\d){2})[0-9A-Z]{5}(?=[\s\]):])/, "$1%e")
  );
}

function mostCommon(xs: (string | null)[]): string | undefined {
  const counts = new Map<string, number>();
  for (const x of xs) if (x !== null) counts.set(x, (counts.get(x) ?? 0) + 1);
  let best: string | undefined;
  let n = 0;
  for (const [k, v] of counts) if (v > n) [best, n] = [k, v];
  return best;
}

/** Decides a stream's format from its first non-blank lines (and its file name). */
export function detectFormat(sample: string[], opts: { logLinePrefix?: string; fileName?: string }): Detection {
  const sampled = sample.length;
  const name = opts.fileName ?? "";
  const given = opts.logLinePrefix;
  if ((sample[0] ?? "").startsWith("{") || name.endsWith(".json")) {
    const shapes = new Map<string, number>();
    const payloads: string[] = [];
    const journal: string[] = [];
    let json = 0;
    for (const l of sample) {
      const o = l.startsWith("{") ? parseJsonObject(l) : null;
      if (!o) continue;
      json++;
      if (isJournalEntry(o)) {
        journal.push(journalLine(o));
        continue;
      }
      const p = cloudPayload(o);
      if (p && "text" in p) payloads.push(...p.text.split("\n"));
      const shape = p
        ? "Google Cloud SQL LogEntry"
        : ({ "pg-json": "PostgreSQL jsonlog", "pg-cnpg": "CloudNativePG JSON", mongodb: "MongoDB JSON" }[
            recordFromJson(o, { offset: 0, lines: 1, raw: "" }).format
          ] ?? "application JSON");
      shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
    }
    if (journal.length * 2 > json) {
      const d = syslogDetection(journal, given);
      if (d) return { ...d, shape: "journald JSON", matched: journal.length, sampled };
    }
    const shape = mostCommon([...shapes.entries()].flatMap(([k, v]) => Array<string>(v).fill(k))) ?? "application JSON";
    if (shape === "Google Cloud SQL LogEntry") {
      const best = bestPrefix(payloads, given ? [given, CLOUD_SQL_PREFIX, ...KNOWN_PREFIXES] : [CLOUD_SQL_PREFIX, ...KNOWN_PREFIXES]);
      return { format: "pg-cloudsql", prefix: best.prefix, shape, matched: shapes.get(shape)!, sampled, fellBack: false };
    }
    return { format: "app", shape, matched: json, sampled, fellBack: json === 0 };
  }
  if (name.endsWith(".csv") || CSV_START.test(sample[0] ?? "")) {
    return { format: "pg-csv", shape: "PostgreSQL csvlog", matched: sample.filter((l) => CSV_START.test(l)).length, sampled, fellBack: false };
  }
  const stderr = bestPrefix(sample, given !== undefined ? [given, ...STDERR_PREFIXES] : STDERR_PREFIXES);
  const syslog = syslogDetection(sample, given);
  if (syslog && syslog.matched > stderr.n) return syslog;
  const appStamped = (l: string) => STAMP.test(l) || readPartialStamp(l) !== null || LOGFMT_START.test(l);
  if (stderr.n > 0) {
    // An application's log that prints a server's DETAIL lines under its own (`DETAIL:  Key …`
    // reads with the empty prefix): its own stamped lines outnumber them.
    // With no prefix at all, most lines must start with a level (`INFO:     …` is uvicorn's too).
    const re = compileLogLinePrefix(stderr.prefix);
    const others = sample.filter((l) => !re.test(l) && appStamped(l)).length;
    if (stderr.n >= others && (stderr.prefix !== "" || stderr.n * 2 > sampled))
      return { format: "pg-stderr", prefix: stderr.prefix, shape: "PostgreSQL stderr", matched: stderr.n, sampled, fellBack: false };
  }
  const suggestedPrefix = mostCommon(sample.map((l) => (PADDED_LEVEL.test(l) ? null : guessPrefix(l))));
  // A prefix none of the known ones is (log_line_prefix is free text): the escapes most lines'
  // heads read as, when it has a time escape and reads a majority of the lines itself.
  if (suggestedPrefix && /%[mtn]/.test(suggestedPrefix) && given === undefined) {
    const re = compileLogLinePrefix(suggestedPrefix);
    const n = sample.filter((l) => re.test(l)).length;
    const others = sample.filter((l) => !re.test(l) && appStamped(l)).length;
    if (n > stderr.n && n >= others && n * 2 > sampled)
      return { format: "pg-stderr", prefix: suggestedPrefix, shape: "PostgreSQL stderr", inferred: true, matched: n, sampled, fellBack: false };
  }
  // A padded level word (uvicorn's `INFO:     …`) starts an application's line as a stamp does.
  const padded = sample.filter((l) => PADDED_LEVEL.test(l)).length;
  const stamped = sample.filter(appStamped).length + padded;
  const pgLooking = sample.filter((l) => PG_LEVEL.test(l) && !PADDED_LEVEL.test(l)).length;
  const appOnly = sample.filter((l) => appStamped(l) && !PG_LEVEL.test(l)).length + padded;
  // Lines with a stamp and no PostgreSQL head are an application's log, read as meant; a fallback is
  // PostgreSQL-looking lines no prefix read (more of them than the application's own), or lines
  // nothing recognised at all.
  const fellBack = stamped === 0 || (suggestedPrefix !== undefined && pgLooking >= appOnly);
  return { format: "app", shape: "application text", matched: stamped, sampled, fellBack, ...(fellBack ? { suggestedPrefix } : {}) };
}

function syslogDetection(sample: string[], given: string | undefined): Detection | null {
  const inner: string[] = [];
  const shapes: string[] = [];
  let matched = 0;
  let dashed = 0;
  let bare = 0;
  let ones = 0;
  for (const l of sample) {
    const s = readSyslogLine(l);
    if (!s) continue;
    matched++;
    shapes.push(
      s.tag === "app"
        ? "Heroku logplex"
        : /^(?:\d+ )?<\d+>1 /.test(l)
          ? "RFC 5424"
          : s.bsd
            ? s.host
              ? "RFC 3164 (rsyslog traditional)"
              : "RFC 3164 (as sent, no host)"
            : "rsyslog file format (ISO stamps)",
    );
    let msg = unescapeSyslog(s.msg);
    const seq = SEQ.exec(msg);
    if (seq) {
      if (seq[2]) dashed++;
      else {
        bare++;
        if (seq[1] === "1") ones++;
      }
      msg = msg.slice(seq[0].length).replace(/^ *\[[A-Z][A-Z0-9_]*\] +(?=[A-Z]+\d?:  )/, "");
      if (seq[2] && seq[2] !== "-1") continue;
    } else if (msg.startsWith(" ")) msg = msg.slice(1);
    inner.push(msg.split("\n", 1)[0]);
  }
  if (matched === 0 || matched * 2 < sample.length) return null;
  const candidates = given ? [given, ...SYSLOG_PREFIXES] : SYSLOG_PREFIXES;
  const best = bestPrefix(inner, candidates);
  // Sequence numbers off with splitting on: `[1]`, `[2]` number the chunks of each message.
  const bareNumbers = dashed === 0 && bare > 0 && ones * 2 >= bare ? "chunk" : "report";
  const pg = best.n > 0 || dashed + bare > 0;
  return {
    format: "pg-syslog",
    prefix: best.prefix,
    shape: `${mostCommon(shapes)}${pg ? "" : ", no PostgreSQL records seen"}`,
    matched,
    sampled: sample.length,
    fellBack: false,
    bareNumbers,
  };
}

/** One line for a person: what was detected, and how sure. */
export function describeDetection(d: Detection): string {
  return d.envelope ? `${d.envelope}, the lines inside read as ${describeInner(d)}` : describeInner(d);
}

function describeInner(d: Detection): string {
  const of = d.given ? "given with --format" : `${d.matched} of ${d.sampled} sampled lines`;
  const prefix = d.prefix !== undefined ? `, prefix '${d.prefix}'` : "";
  switch (d.format) {
    case "pg-stderr":
      return `postgres stderr${prefix}${d.inferred ? " inferred from the lines" : ""} (${of})`;
    case "pg-syslog":
      return `postgres via syslog, ${d.shape ?? "syslog"}${d.prefix !== undefined ? `, prefix inside '${d.prefix}'` : ""}${d.bareNumbers === "chunk" ? ", sequence numbers off" : ""} (${of})`;
    case "pg-cloudsql":
      return `postgres in Google Cloud SQL JSON${prefix} (${of})`;
    case "pg-csv":
      return `postgres csvlog (${of})`;
    case "app":
      return d.shape === "application text"
        ? `application text (${d.given ? of : `${d.matched} of ${d.sampled} sampled lines start with a timestamp or a level word`})`
        : `${d.shape ?? d.format} (${of})`;
    default:
      return `${d.shape ?? d.format} (${of})`;
  }
}

/** The warning for a stream read as application text: what was seen, and the --prefix to try. */
export function fallbackAdvice(d: Detection): string {
  if (d.suggestedPrefix !== undefined) {
    return `no known PostgreSQL prefix read these lines, so they were read as application text (lock waits and continuation lines are lost); most lines start like log_line_prefix '${d.suggestedPrefix}': try --prefix '${d.suggestedPrefix}'`;
  }
  return "no PostgreSQL prefix, syslog header or JSON shape was recognised, so the lines were read as application text; if they are a server log, give --format and --prefix";
}
