import "server-only";

/**
 * Compiles a PostgreSQL `log_line_prefix` into a regular expression that captures the prefix
 * fields, the severity and the message. Escapes per the PostgreSQL docs (runtime-config-logging).
 */
const TS = String.raw`\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}`;
const TZ = String.raw`(?: [A-Za-z]{1,5}| [+-]\d{2}(?::?\d{2})?)?`;

const ESCAPES: Record<string, string> = {
  m: String.raw`(?<time>${TS}\.\d+${TZ})`,
  t: String.raw`(?<time>${TS}${TZ})`,
  n: String.raw`(?<epoch>\d+\.\d+)`,
  s: String.raw`${TS}${TZ}`,
  p: String.raw`(?<pid>\d+)`,
  u: String.raw`(?<user>[^\s@:\[\]]*)`,
  d: String.raw`(?<db>[^\s@:\[\]]*)`,
  a: String.raw`(?<app>.*?)`,
  r: String.raw`\S*?`,
  h: String.raw`\S*?`,
  e: String.raw`(?<sqlstate>[0-9A-Z]{5})`,
  l: String.raw`\d+`,
  c: String.raw`[0-9a-f]+\.[0-9a-f]+`,
  v: String.raw`\S*?`,
  x: String.raw`\d+`,
  i: String.raw`.*?`,
  b: String.raw`.*?`,
  Q: String.raw`-?\d+`,
  L: String.raw`\S*?`,
};

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export const DEFAULT_LOG_LINE_PREFIX = "%m [%p] ";

const cache = new Map<string, RegExp>();

export function compileLogLinePrefix(prefix: string): RegExp {
  const hit = cache.get(prefix);
  if (hit) return hit;
  let out = "";
  let optionalFrom = -1;
  for (let i = 0; i < prefix.length; i++) {
    const ch = prefix[i];
    if (ch !== "%" || i === prefix.length - 1) {
      out += escapeRe(ch);
      continue;
    }
    const esc = prefix[++i];
    if (esc === "%") out += "%";
    else if (esc === "q") optionalFrom = out.length;
    else out += ESCAPES[esc] ?? ".*?";
  }
  // %q: what follows is only printed for session processes (background workers omit it).
  if (optionalFrom >= 0) out = `${out.slice(0, optionalFrom)}(?:${out.slice(optionalFrom)})?`;
  const re = new RegExp(`^${out}(?<level>[A-Z]+\\d?):  (?<body>.*)$`);
  cache.set(prefix, re);
  return re;
}

export function parsePgTimestamp(stamp: string): Date {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)(?: (.+))?$/.exec(stamp);
  if (!m) return new Date(Number.NaN);
  const [, day, time, zone] = m;
  if (!zone || /^(UTC|GMT|Z)$/.test(zone)) return new Date(`${day}T${time}Z`);
  if (/^[+-]\d{2}$/.test(zone)) return new Date(`${day}T${time}${zone}:00`);
  if (/^[+-]\d{2}:?\d{2}$/.test(zone)) return new Date(`${day}T${time}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`);
  // A named zone other than UTC: read it as UTC rather than guess; the raw line keeps the truth.
  return new Date(`${day}T${time}Z`);
}

let lastKey = "";
let lastBase = 0;

/**
 * parsePgTimestamp with a one-entry cache on everything but the fraction: consecutive lines of a
 * busy log share their second, so most lines pay for a slice and a number parse only.
 */
export function parsePgTimestampFast(stamp: string): Date {
  const dot = stamp.length > 19 && stamp.charCodeAt(19) === 46 ? 19 : -1;
  if (dot < 0) return parsePgTimestamp(stamp);
  let end = 20;
  while (end < stamp.length && stamp.charCodeAt(end) >= 48 && stamp.charCodeAt(end) <= 57) end++;
  const key = stamp.slice(0, 19) + stamp.slice(end);
  if (key !== lastKey) {
    const base = parsePgTimestamp(key.length > 19 ? `${stamp.slice(0, 19)}${stamp.slice(end)}` : stamp.slice(0, 19)).getTime();
    if (Number.isNaN(base)) return new Date(Number.NaN);
    lastKey = key;
    lastBase = base;
  }
  const frac = stamp.slice(20, end);
  return new Date(lastBase + (frac ? Math.round(Number(`0.${frac}`) * 1000) : 0));
}
