import "server-only";
import { LOCALIZED_LEVEL_SOURCE } from "../classify/pg-l10n-words";

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
  // A connection that fails before authentication logs `[unknown]` for both.
  u: String.raw`(?<user>\[unknown\]|[^\s@:\[\]]*)`,
  d: String.raw`(?<db>\[unknown\]|[^\s@:\[\]]*)`,
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
  // An escape written twice (`%p` in `[%p]` and in `pid=%p`) captures once: a regular expression
  // may not name two groups alike.
  const named = new Set<string>();
  for (let i = 0; i < prefix.length; i++) {
    const ch = prefix[i];
    if (ch !== "%" || i === prefix.length - 1) {
      out += escapeRe(ch);
      continue;
    }
    const esc = prefix[++i];
    if (esc === "%") out += "%";
    else if (esc === "q") optionalFrom = out.length;
    else {
      const part = ESCAPES[esc] ?? ".*?";
      const name = /^\(\?<(\w+)>/.exec(part)?.[1];
      out += name && named.has(name) ? part.replace(`(?<${name}>`, "(?:") : part;
      if (name) named.add(name);
    }
  }
  // %q: what follows is only printed for session processes (background workers omit it).
  if (optionalFrom >= 0) out = `${out.slice(0, optionalFrom)}(?:${out.slice(optionalFrom)})?`;
  // The level word in English or in any language PostgreSQL ships (lc_messages = 'ru_RU.UTF-8' writes `ОШИБКА:  `).
  const re = new RegExp(`^${out}(?<level>[A-Z]+\\d?|${LOCALIZED_LEVEL_SOURCE}):  (?<body>.*)$`);
  cache.set(prefix, re);
  return re;
}

/**
 * The abbreviations log_timezone writes (tzdata's) that name one offset only. CST (Chicago or
 * Shanghai) and IST (India, Ireland or Israel) are left out: no offset would be right for both.
 */
const ZONE_OFFSETS: Record<string, string> = {
  WET: "+00:00",
  WEST: "+01:00",
  BST: "+01:00",
  CET: "+01:00",
  CEST: "+02:00",
  MET: "+01:00",
  MEST: "+02:00",
  EET: "+02:00",
  EEST: "+03:00",
  MSK: "+03:00",
  SAST: "+02:00",
  CAT: "+02:00",
  EAT: "+03:00",
  WAT: "+01:00",
  PKT: "+05:00",
  WIB: "+07:00",
  HKT: "+08:00",
  AWST: "+08:00",
  JST: "+09:00",
  KST: "+09:00",
  ACST: "+09:30",
  ACDT: "+10:30",
  AEST: "+10:00",
  AEDT: "+11:00",
  NZST: "+12:00",
  NZDT: "+13:00",
  HST: "-10:00",
  AKST: "-09:00",
  AKDT: "-08:00",
  PST: "-08:00",
  PDT: "-07:00",
  MST: "-07:00",
  MDT: "-06:00",
  CDT: "-05:00",
  EST: "-05:00",
  EDT: "-04:00",
  AST: "-04:00",
  ADT: "-03:00",
  NST: "-03:30",
  NDT: "-02:30",
};

export function parsePgTimestamp(stamp: string): Date {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)(?: (.+))?$/.exec(stamp);
  if (!m) return new Date(Number.NaN);
  const [, day, time, zone] = m;
  if (!zone || /^(UTC|GMT|Z)$/.test(zone)) return new Date(`${day}T${time}Z`);
  if (/^[+-]\d{2}$/.test(zone)) return new Date(`${day}T${time}${zone}:00`);
  if (/^[+-]\d{2}:?\d{2}$/.test(zone)) return new Date(`${day}T${time}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`);
  const offset = ZONE_OFFSETS[zone];
  if (offset) return new Date(`${day}T${time}${offset}`);
  // Any other name (one that means two zones, CST or IST): read as UTC rather than guess; the raw line keeps the truth.
  return new Date(`${day}T${time}Z`);
}

export type IndexedPrefix = { re: RegExp; time: number; epoch: number; pid: number; user: number; db: number; app: number; sqlstate: number; level: number };

const indexedCache = new Map<string, IndexedPrefix>();

/**
 * The same expression with plain numbered groups and the number of each field: a hot loop then
 * reads `m[i]` instead of paying for a `groups` object on every line. It matches the prefix and
 * `LEVEL:  ` only (sticky: set `lastIndex = 0` first); the body starts at `lastIndex` after a match.
 */
export function compileLogLinePrefixIndexed(prefix: string): IndexedPrefix {
  const hit = indexedCache.get(prefix);
  if (hit) return hit;
  // Sticky and without the body: the match stops at `LEVEL:  `, so the message is never scanned.
  const full = compileLogLinePrefix(prefix).source;
  const named = full.slice(0, full.length - "(?<body>.*)$".length);
  const idx: Record<string, number> = {};
  let n = 0;
  // Every group in the compiled source is either named `(?<x>` or non-capturing `(?:`.
  const source = named.replace(/\\.|\((\?<(\w+)>|\?:)?/g, (tok, kind?: string, name?: string) => {
    if (tok[0] === "\\" || kind === "?:") return tok;
    n++;
    if (name) idx[name] = n;
    return "(";
  });
  const out: IndexedPrefix = {
    re: new RegExp(source, "y"),
    time: idx.time ?? 0,
    epoch: idx.epoch ?? 0,
    pid: idx.pid ?? 0,
    user: idx.user ?? 0,
    db: idx.db ?? 0,
    app: idx.app ?? 0,
    sqlstate: idx.sqlstate ?? 0,
    level: idx.level,
  };
  indexedCache.set(prefix, out);
  return out;
}

let lastHead = "";
let lastTail = "";
let lastBase = 0;

/**
 * parsePgTimestamp with a one-entry cache on everything but the fraction: consecutive lines of a
 * busy log share their second, so most lines pay for two comparisons and a few digit reads.
 */
export function parsePgTimestampFast(stamp: string): Date {
  if (stamp.length <= 20 || stamp.charCodeAt(19) !== 46) return parsePgTimestamp(stamp);
  let end = 20;
  let ms = 0;
  let scale = 100;
  for (let c = stamp.charCodeAt(end); c >= 48 && c <= 57; c = stamp.charCodeAt(++end)) {
    ms += (c - 48) * scale;
    scale /= 10;
  }
  if (!(stamp.startsWith(lastHead) && lastHead.length === 19 && stamp.length - end === lastTail.length && stamp.endsWith(lastTail))) {
    const head = stamp.slice(0, 19);
    const tail = stamp.slice(end);
    const base = parsePgTimestamp(head + tail).getTime();
    if (Number.isNaN(base)) return new Date(Number.NaN);
    lastHead = head;
    lastTail = tail;
    lastBase = base;
  }
  return new Date(lastBase + Math.round(ms));
}
