import "server-only";
import { once } from "node:events";
import { finished } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { pgJson, pgText } from "./store-sql";

/**
 * Values in COPY's text format (PostgreSQL docs, "COPY", File Formats: Text Format), written so
 * the common value (plain ASCII, no tab or backslash) costs one scan and no copy.
 */
// Backslash, tab, newline, CR need escaping; NUL and UTF-16 surrogates (paired or not) go through pgText.
const SPECIAL = /[\\\t\n\r\u0000\ud800-\udfff]/;
const ESCAPABLE = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

export function copyText(s: string): string {
  if (!SPECIAL.test(s)) return s;
  return pgText(s).replace(ESCAPABLE, (c) => ESCAPES[c]);
}

/** JSON text jsonb accepts: JSON.stringify's fast path unless its output has a `\u` escape (jsonb refuses \u0000 and lone surrogates). */
export function jsonbText(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v);
  } catch {
    s = pgJson(v); // a bigint
  }
  return s.includes("\\u") ? pgJson(v) : s;
}

/** jsonb in COPY's text format. */
export const copyJson = (v: unknown): string => copyText(jsonbText(v));

const MAX_FAST_MS = 253_402_300_800_000; // 10000-01-01: toISOString's shape changes after year 9999
let lastSec = Number.NaN;
let lastPrefix = "";

/** toISOString with the part up to the second cached: events of one log mostly share their second. */
export function copyTime(d: Date): string {
  const ms = d.getTime();
  if (!(ms >= 0 && ms < MAX_FAST_MS)) return d.toISOString();
  const sec = Math.floor(ms / 1000);
  if (sec !== lastSec) {
    lastSec = sec;
    lastPrefix = new Date(sec * 1000).toISOString().slice(0, 20);
  }
  const r = ms - sec * 1000;
  return `${lastPrefix}${r < 10 ? "00" : r < 100 ? "0" : ""}${r}Z`;
}

const CHUNK = 256 * 1024;

/** Streams rows (each ending in "\n") into `COPY … FROM STDIN`, in chunks, honouring back-pressure. */
export async function copyRows(client: pg.Client, sql: string, rows: Iterable<string>): Promise<void> {
  const stream = client.query(copyFrom(sql));
  const done = finished(stream);
  done.catch(() => {}); // awaited below; a failure before then must not be an unhandled rejection
  let chunk = "";
  for (const row of rows) {
    chunk += row;
    if (chunk.length >= CHUNK) {
      const ok = stream.write(chunk);
      chunk = "";
      if (!ok) await Promise.race([once(stream, "drain"), done]);
    }
  }
  stream.end(chunk);
  await done;
}
