import "server-only";

/**
 * The catalog's cheap first test (see compileCatalog): one combined expression per scope, and
 * for anchored alternatives the literal text a line must open with, compared in place.
 */

/** The top-level alternatives of a pattern (outside groups, classes and escapes). */
export function splitTopLevel(pattern: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") i++;
    else if (inClass) inClass = c !== "]";
    else if (c === "[") inClass = true;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "|" && depth === 0) {
      out.push(pattern.slice(start, i));
      start = i + 1;
    }
  }
  out.push(pattern.slice(start));
  return out;
}

/**
 * An alternative tested at the start of the text only: PostgreSQL's informational lines (LOG)
 * carry statement text, while its own messages always open the line. A leading `\b` is implied.
 */
export const anchored = (alt: string) => (alt.startsWith("^") ? alt : `^${alt.replace(/^(?:\\b)+/, "")}`);

/** A combined expression, and for an anchored one whose every alternative opens with plain text, those openings by first character. */
export type Prefilter = { re: RegExp; heads: Heads | null };

const HEAD_LENGTH = 16;

/**
 * The literal text (up to 16 characters) each alternative of an anchored, case-sensitive,
 * single-line alternation must open with; null when one opens with no plain character (a class, a
 * group, a quantified character). A line that opens with none of them is rejected without running
 * the expression: most informational lines, even `duration: …` beside `duplicate key …`.
 */
export function literalHeads(alts: string[], flags: string): string[] | null {
  if (/[im]/.test(flags)) return null;
  const out = new Set<string>();
  for (const a of alts) {
    let head = "";
    for (let i = 0; i < a.length && head.length < HEAD_LENGTH;) {
      let ch = a[i];
      let next = i + 1;
      if (ch === "\\") {
        if (!/^[^A-Za-z0-9]$/.test(a[i + 1] ?? "")) break;
        ch = a[i + 1];
        next = i + 2;
      } else if ("[](){}|^$.*+?".includes(ch)) break;
      const q = a[next];
      if (q !== undefined && "?*+{".includes(q)) break;
      head += ch;
      i = next;
    }
    if (!head) return null;
    out.add(head);
  }
  return [...out];
}

/** Heads grouped by their first character code (an array index: this runs on every line). */
export type Heads = (string[] | undefined)[];

export function headsByFirst(heads: string[] | null): Heads | null {
  if (!heads) return null;
  const out: Heads = [];
  for (const h of heads) (out[h.charCodeAt(0)] ??= []).push(h);
  return out;
}

export function opensWithHead(text: string, heads: Heads): boolean {
  const list = heads[text.charCodeAt(0)];
  if (!list) return false;
  for (const h of list) {
    let k = 1;
    while (k < h.length && text.charCodeAt(k) === h.charCodeAt(k)) k++;
    if (k === h.length) return true;
  }
  return false;
}
