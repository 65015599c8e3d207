import "server-only";

/**
 * One syslog line as files and sockets carry it: RFC 3164 (`Mmm dd hh:mm:ss host tag[pid]: msg`,
 * rsyslog's traditional file format, journalctl's short output, glibc's datagram without a host),
 * rsyslog's RSYSLOG_FileFormat (an ISO stamp instead), RFC 5424 (`<PRI>1 stamp host app procid
 * msgid SD msg`), with or without `<PRI>`, and Heroku logplex lines (`stamp app[postgres.N]: msg`).
 */
export type SyslogLine = {
  /** The ISO stamp (read only when the message carries no time of its own: see syslogTime). */
  iso: string | null;
  /** `Mmm dd hh:mm:ss[.frac]` when the stamp had no year. */
  bsd: string | null;
  host: string | undefined;
  tag: string;
  /** The process id the tag carries (`postgres[123]`, RFC 5424 procid, Heroku's `postgres.123`), 0 if none. */
  pid: number;
  /** Syslog severity from `<PRI>`, -1 without one. */
  severity: number;
  msg: string;
};

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };
const ISO = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?`;
const BSD = String.raw`(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?`;
// An octet count (logplex over HTTPS), `<PRI>`, then either RFC 5424 or a 3164-style header.
const RFC5424 = new RegExp(String.raw`^(?:\d+ )?<(\d{1,3})>1 (${ISO}|-) (\S+) (\S+) (\S+) \S+ (-|(?:\[(?:[^\]\\]|\\.)*\])+) ?(?:\uFEFF)?(.*)$`);
const RFC3164 = new RegExp(
  String.raw`^(?:\d+ )?(?:<(\d{1,3})>)?(${ISO}|${BSD}) (?:([^\s-]\S*[^\s:]|[^\s:-]) )?([^\s\[\]:-][^\s\[\]:]*)(?:\[([^\]\s]*)\])?: ?(.*)$`,
);

const OCTETS = /^\d+ </;
const LEVEL_TAG = /^(?:error|err|warn|warning|info|debug|trace|fatal|notice|critical|severe)$/i;

const pidOf = (s: string | undefined): number => {
  if (!s) return 0;
  const m = /(\d+)$/.exec(s);
  return m ? Number(m[1]) : 0;
};

/** The header's time: an ISO stamp as written, a BSD one against `ref` (bsdTime). */
export function syslogTime(s: SyslogLine, ref: Date): Date | null {
  return s.iso ? isoTime(s.iso) : s.bsd ? bsdTime(s.bsd, ref) : null;
}

function isoTime(s: string): Date | null {
  const d = new Date(/Z|[+-]\d{2}:?\d{2}$/.test(s) ? s : `${s}Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Reads a syslog header; null when the line has none. Cheap first-character gate before the expressions. */
export function readSyslogLine(text: string): SyslogLine | null {
  const c = text.charCodeAt(0);
  // `<`, a digit (ISO stamp or octet count) or a month's capital.
  if (!(c === 60 || (c >= 48 && c <= 57) || (c >= 65 && c <= 90))) return null;
  // RFC 5424 starts `<PRI>1 ` (after an octet count, from logplex drains).
  let m = c === 60 || (c >= 48 && c <= 57 && OCTETS.test(text)) ? RFC5424.exec(text) : null;
  if (m) {
    return {
      iso: m[2] === "-" ? null : m[2],
      bsd: null,
      host: m[3] === "-" ? undefined : m[3],
      tag: m[4],
      pid: pidOf(m[5] === "-" ? undefined : m[5]),
      severity: Number(m[1]) & 7,
      msg: m[7],
    };
  }
  m = RFC3164.exec(text);
  // Without `<PRI>` a host or a `[pid]` is always written (files, journalctl, logplex); `stamp level: msg`
  // and `stamp LEVEL target: msg` (Rust's env_logger, many others) are application lines.
  if (!m || (!m[1] && !m[3] && m[5] === undefined) || LEVEL_TAG.test(m[4]) || (!m[1] && m[3] !== undefined && LEVEL_TAG.test(m[3]))) return null;
  const iso = m[2].charCodeAt(0) <= 57;
  return { iso: iso ? m[2] : null, bsd: iso ? null : m[2], host: m[3], tag: m[4], pid: pidOf(m[5]), severity: m[1] ? Number(m[1]) & 7 : -1, msg: m[6] };
}

/**
 * A BSD stamp has no year: it takes the year of `ref` (the file's modification time or now), one
 * less when that would put it more than a month in the future (a December line read in January).
 */
export function bsdTime(stamp: string, ref: Date): Date | null {
  const m = /^(\w{3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(stamp);
  if (!m) return null;
  const month = MONTHS[m[1]];
  const ms = m[6] ? Math.round(Number(`0.${m[6]}`) * 1000) : 0;
  let year = ref.getUTCFullYear();
  let t = Date.UTC(year, month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), ms);
  if (t - ref.getTime() > 31 * 86_400_000) t = Date.UTC(--year, month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), ms);
  return new Date(t);
}

/** Syslog severities (RFC 5424 table 2) as level words. */
export const SYSLOG_LEVELS = ["EMERG", "ALERT", "CRIT", "ERROR", "WARNING", "NOTICE", "INFO", "DEBUG"];

/** rsyslog writes control characters as `#ooo` (octal): `#011` a tab, `#012` a newline. */
export function unescapeSyslog(msg: string): string {
  if (msg.indexOf("#0") === -1) return msg;
  return msg.replace(/#0([0-3][0-7])/g, (_s, o: string) => String.fromCharCode(parseInt(o, 8)));
}
