import "server-only";

/** Character-level pieces of the hand prefix reader (pg-prefix-reader.ts). */

/** Level words returned as shared constants: no string per line, and their map lookups hit a cached hash. */
const LEVELS = [
  "LOG",
  "DETAIL",
  "STATEMENT",
  "ERROR",
  "CONTEXT",
  "HINT",
  "FATAL",
  "WARNING",
  "NOTICE",
  "INFO",
  "QUERY",
  "LOCATION",
  "PANIC",
  "DEBUG1",
  "DEBUG2",
  "DEBUG3",
  "DEBUG4",
  "DEBUG5",
];
// A level word read as a base-37 number (capitals 1-26, digits 27-36): exact for up to 10 characters.
const levelCode = (s: string) => [...s].reduce((h, ch) => h * 37 + (ch <= "9" ? ch.charCodeAt(0) - 21 : ch.charCodeAt(0) - 64), 0);
const LEVEL_CODES = LEVELS.map(levelCode);

export const isDigit = (c: number) => c >= 48 && c <= 57;
export const isUpper = (c: number) => c >= 65 && c <= 90;
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
// `[^\s@:\[\]]`, printable ASCII only: other characters are left to the expression (it decides what `\s` is).
const isNameChar = (c: number) => c > 32 && c < 127 && c !== 64 && c !== 58 && c !== 91 && c !== 93;
// What ends a name for certain: ASCII white space, `@`, `:`, `[`, `]`, the end of the line.
const endsName = (c: number) => c === 32 || (c >= 9 && c <= 13) || c === 64 || c === 58 || c === 91 || c === 93 || Number.isNaN(c);
const UNKNOWN = "[unknown]";

/** `t.startsWith(s, at)` for the few characters of a zone, without the runtime call startsWith makes on a sliced string. */
export function sameAt(t: string, at: number, s: string): boolean {
  for (let k = 0; k < s.length; k++) if (t.charCodeAt(at + k) !== s.charCodeAt(k)) return false;
  return true;
}

/** The shared constant for the level word read as `code` (see levelCode), else a copy of the word. */
export function levelNamed(code: number, t: string, start: number, end: number): string {
  for (let k = 0; k < LEVEL_CODES.length; k++) if (LEVEL_CODES[k] === code) return LEVELS[k];
  return t.slice(start, end);
}

/** End of the stamp's zone starting at `i` (the expression's optional ` Zone` or ` +hh[:mm]`) when ` [` follows it; else -1. */
export function zoneEnd(t: string, i: number): number {
  if (t.charCodeAt(i) !== 32) return -1;
  const c = t.charCodeAt(i + 1);
  if (isLetter(c)) {
    let k = i + 2;
    while (isLetter(t.charCodeAt(k))) k++;
    if (k - i - 1 > 5) return -1;
    i = k;
  } else if (c === 43 || c === 45) {
    if (!isDigit(t.charCodeAt(i + 2)) || !isDigit(t.charCodeAt(i + 3))) return -1;
    i += 4;
    if (t.charCodeAt(i) === 58 && isDigit(t.charCodeAt(i + 1)) && isDigit(t.charCodeAt(i + 2))) i += 3;
    else if (isDigit(t.charCodeAt(i)) && isDigit(t.charCodeAt(i + 1))) i += 2;
  }
  return t.charCodeAt(i) === 32 && t.charCodeAt(i + 1) === 91 ? i : -1;
}

/** End of a `%u`/`%d` value starting at `i` (`[unknown]` or a run of name characters); -1: let the expression decide. */
export function nameEnd(t: string, i: number): number {
  if (t.charCodeAt(i) === 91) return t.startsWith(UNKNOWN, i) ? i + UNKNOWN.length : -1;
  let c = t.charCodeAt(i);
  while (isNameChar(c)) c = t.charCodeAt(++i);
  return endsName(c) ? i : -1;
}
