/**
 * A small lexical reading of one SQL statement as PostgreSQL logs it: enough to find an INSERT's
 * target, column list, row source, ON CONFLICT and RETURNING at the top level (outside quotes,
 * dollar quotes, comments and parentheses). Not a parser: what it cannot tell it leaves null.
 */

export type SqlToken = {
  text: string;
  upper: string;
  start: number;
  end: number;
  depth: number;
  kind: "word" | "quoted" | "punct" | "string" | "param" | "number";
};

export type ScannedSql = {
  tokens: SqlToken[];
  /** The text ends inside a quote, a comment or parentheses, or with an ellipsis: the log cut it. */
  truncated: boolean;
  /** Where the statement ends, before a trailing `;` and white space. */
  end: number;
};

const WORD = /[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/y;
const NUMBER = /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

export function scanSql(sql: string): ScannedSql {
  const tokens: SqlToken[] = [];
  let depth = 0;
  let i = 0;
  let truncated = false;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "-" && sql[i + 1] === "-") {
      const nl = sql.indexOf("\n", i);
      i = nl === -1 ? n : nl + 1;
      continue;
    }
    if (c === "/" && sql[i + 1] === "*") {
      const e = sql.indexOf("*/", i + 2);
      if (e === -1) {
        truncated = true;
        break;
      }
      i = e + 2;
      continue;
    }
    const start = i;
    if (c === "'" || ((c === "E" || c === "e") && sql[i + 1] === "'")) {
      const backslash = c !== "'";
      const q = scanQuoted(sql, i + (backslash ? 2 : 1), "'", backslash);
      i = q.end;
      if (!q.closed) truncated = true;
      tokens.push({ text: sql.slice(start, i), upper: "", start, end: i, depth, kind: "string" });
      continue;
    }
    if (c === '"') {
      const q = scanQuoted(sql, i + 1, '"', false);
      i = q.end;
      if (!q.closed) truncated = true;
      tokens.push({ text: sql.slice(start, i), upper: "", start, end: i, depth, kind: "quoted" });
      continue;
    }
    if (c === "$") {
      const tag = /\$([A-Za-z_][A-Za-z0-9_]*)?\$/y;
      tag.lastIndex = i;
      const m = tag.exec(sql);
      if (m) {
        const close = sql.indexOf(m[0], i + m[0].length);
        if (close === -1) {
          truncated = true;
          i = n;
        } else i = close + m[0].length;
        tokens.push({ text: sql.slice(start, i), upper: "", start, end: i, depth, kind: "string" });
        continue;
      }
      const p = /\$\d+/y;
      p.lastIndex = i;
      const pm = p.exec(sql);
      if (pm) {
        i += pm[0].length;
        tokens.push({ text: pm[0], upper: pm[0], start, end: i, depth, kind: "param" });
        continue;
      }
    }
    WORD.lastIndex = i;
    const w = WORD.exec(sql);
    if (w) {
      i += w[0].length;
      tokens.push({ text: w[0], upper: w[0].toUpperCase(), start, end: i, depth, kind: "word" });
      continue;
    }
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(sql);
    if (num) {
      i += num[0].length;
      tokens.push({ text: num[0], upper: num[0], start, end: i, depth, kind: "number" });
      continue;
    }
    if (c === "(") {
      tokens.push({ text: c, upper: c, start, end: i + 1, depth, kind: "punct" });
      depth++;
      i++;
      continue;
    }
    if (c === ")") {
      depth = Math.max(0, depth - 1);
      tokens.push({ text: c, upper: c, start, end: i + 1, depth, kind: "punct" });
      i++;
      continue;
    }
    tokens.push({ text: c, upper: c, start, end: i + 1, depth, kind: "punct" });
    i++;
  }
  if (depth > 0) truncated = true;
  if (/(\.\.\.|…)\s*$/.test(sql)) truncated = true;
  let last = tokens.length - 1;
  while (last >= 0 && tokens[last]!.text === ";" && tokens[last]!.depth === 0) last--;
  return { tokens, truncated, end: last >= 0 ? tokens[last]!.end : 0 };
}

/** A possibly schema-qualified, possibly quoted name starting at token `at`: its parts unquoted and the index after it. */
export function readQualifiedName(tokens: SqlToken[], at: number): { parts: string[]; raw: string; next: number } | null {
  const parts: string[] = [];
  let i = at;
  const first = tokens[i];
  if (!first || (first.kind !== "word" && first.kind !== "quoted")) return null;
  const start = first.start;
  let end = first.end;
  for (;;) {
    const t = tokens[i];
    if (!t || (t.kind !== "word" && t.kind !== "quoted")) break;
    parts.push(unquoteIdent(t.text));
    end = t.end;
    i++;
    if (tokens[i]?.text === "." && tokens[i]!.end === tokens[i + 1]?.start) i++;
    else break;
  }
  return { parts, raw: tokens.length ? `${start}:${end}` : "", next: i };
}

/** `"Mixed Case"` → `Mixed Case`; an unquoted name folds to lower case as PostgreSQL does. */
export function unquoteIdent(t: string): string {
  return t.startsWith('"') ? t.slice(1, t.endsWith('"') && t.length > 1 ? -1 : undefined).replace(/""/g, '"') : t.toLowerCase();
}

const RESERVED = new Set(
  "all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create current_catalog current_date current_role current_time current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral leading limit localtime localtimestamp not null offset on only or order placing primary references returning select session_user some symmetric system_user table then to trailing true union unique user using variadic when where window with".split(
    " ",
  ),
);

/** A name as it must be written in SQL: quoted unless it is a plain lower-case, non-reserved identifier. */
export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) && !RESERVED.has(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** Splits `a, "b, c", lower(d)` at top-level commas, keeping quotes and parentheses whole. */
export function splitTopLevel(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  let quote: string | null = null;
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    if (quote) {
      cur += c;
      if (c === quote) {
        if (list[i + 1] === quote) {
          cur += list[++i];
        } else quote = null;
      }
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      cur += c;
      continue;
    }
    if (c === "(" || c === "[" || c === "{") depth++;
    if (c === ")" || c === "]" || c === "}") depth--;
    if (c === "," && depth === 0) {
      out.push(cur.trim());
      cur = "";
      continue;
    }
    cur += c;
  }
  if (cur.trim() || out.length) out.push(cur.trim());
  return out;
}

/**
 * From just inside a quote to just past its closing one: a doubled quote stays inside, and with
 * `backslash` (an E'' string) a backslash escapes the next character. `closed` false: the text
 * ended first (a statement the log cut short).
 */
function scanQuoted(sql: string, from: number, quote: "'" | '"', backslash: boolean): { end: number; closed: boolean } {
  let i = from;
  while (i < sql.length) {
    if (backslash && sql[i] === "\\") {
      i += 2;
      continue;
    }
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return { end: i + 1, closed: true };
    }
    i++;
  }
  return { end: i, closed: false };
}
