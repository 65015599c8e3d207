import { z } from "zod";

/**
 * Zod primitives for anything that reaches the store from a request: PostgreSQL refuses NUL in
 * text, ids past their column's type and dates outside its range, and each refusal used to come
 * back as a 5xx. Checked here, each is a 400 naming the parameter instead.
 */
export const INT4_MAX = 2_147_483_647;
export const INT8_MAX = 9_223_372_036_854_775_807n;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// A key named in an error message shows what was wrong with it, escaped.
const UNPRINTABLE = new RegExp(`\\u0000|${LONE_SURROGATE.source}`, "g");

/** Why a string cannot be stored as PostgreSQL text (or json), or null when it can. */
export function textProblem(s: string): string | null {
  if (s.includes("\u0000")) return "must not contain NUL (\\u0000) characters";
  if (LONE_SURROGATE.test(s)) return "must be valid Unicode text (it holds a lone UTF-16 surrogate)";
  return null;
}

const storable = (s: string, ctx: z.RefinementCtx<string>) => {
  const problem = textProblem(s);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
};

/** Text the store can hold: no NUL, well-formed UTF-16, at most `max` characters (after trimming unless `trim: false`). */
export function textParam(max: number, { min = 1, trim = true }: { min?: number; trim?: boolean } = {}) {
  const base = z.string().superRefine(storable);
  return (trim ? base.trim() : base).min(min).max(max);
}

// Digits only: "0x10", "1e3" and " 7" are not ids, though Number() would take them.
const digits = (label: string) => z.coerce.string().regex(/^\d+$/, `must be a ${label}`);

/** A positive id of an int4 column, from a path or query string (or a number). */
export const int4IdParam = digits("positive integer")
  .refine((s) => s.length <= 10 && Number(s) >= 1 && Number(s) <= INT4_MAX, `must be a positive integer no larger than ${INT4_MAX}`)
  .transform(Number);

/** A positive id of an int8 column, kept as its decimal text (a JS number would lose digits). */
export const int8IdParam = digits("positive integer").refine(
  (s) => s.length <= 19 && BigInt(s) >= 1n && BigInt(s) <= INT8_MAX,
  `must be a positive integer no larger than ${INT8_MAX}`,
);

/** A positive int4 id inside a JSON body. */
export const int4Id = z.number().int().min(1).max(INT4_MAX);

// Both JavaScript and PostgreSQL handle these years without surprises (PostgreSQL refuses year 0).
const MIN_TIME = Date.UTC(1000, 0, 1);
const MAX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
export const DATE_RANGE_MESSAGE = "must be a date between the years 1000 and 9999";

/** True for a date the store can compare and keep as timestamptz. */
export function isStorableTime(ms: number): boolean {
  return Number.isFinite(ms) && ms >= MIN_TIME && ms <= MAX_TIME;
}

/** An ISO 8601 date-time with an offset (or Z), a real calendar date inside the store's range. */
export const isoDateTimeParam = z.iso.datetime({ offset: true }).refine((s) => isStorableTime(Date.parse(s)), DATE_RANGE_MESSAGE);

/** True for an ISO 8601 date-time as JSON and `toISOString` write it, within the store's range. */
export function isIsoTime(s: unknown): s is string {
  return typeof s === "string" && isoDateTimeParam.safeParse(s).success;
}

const PG_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|([+-])(\d{2})(?::?(\d{2}))?)$/;

/**
 * A timestamptz as PostgreSQL prints it (`to_json(backend_start)`, `backend_start::text`): the
 * fields are range-checked here, so a month 99 never reaches a monitored server.
 */
export const pgTimestampParam = z
  .string()
  .max(40)
  .refine((s) => {
    const m = PG_TIMESTAMP.exec(s);
    if (!m) return false;
    const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    // Date.UTC reads years 0-99 as 1900-1999: out of range anyway, so refused before any arithmetic.
    if (y < 1000) return false;
    const lastDay = new Date(Date.UTC(y, mo, 0)).getUTCDate();
    if (mo < 1 || mo > 12 || d < 1 || d > lastDay || h > 23 || mi > 59 || sec > 59) return false;
    if (m[10] !== undefined && (Number(m[10]) > 15 || Number(m[11] ?? 0) > 59)) return false;
    return isStorableTime(Date.UTC(y, mo - 1, d, h, mi, sec));
  }, "must be a timestamp as the snapshot showed it (e.g. 2026-12-01T10:30:12.123456+00:00)");

/**
 * The first string in a parsed JSON value (a value or a key) the store could not hold, with its
 * path (`writes[3].doc.name`). Iterative, so a deeply nested body cannot overflow the stack.
 */
export function findUnstorableString(value: unknown): { path: string; problem: string } | null {
  const stack: [unknown, string][] = [[value, ""]];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === "string") {
      const problem = textProblem(v);
      if (problem) return { path: path || "body", problem };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}[${i}]`]);
    } else if (v && typeof v === "object") {
      for (const [k, child] of Object.entries(v).reverse()) {
        const name = k.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
        const at = path ? `${path}.${name}` : name;
        const problem = textProblem(k);
        if (problem) return { path: at, problem: `(a field name) ${problem}` };
        stack.push([child, at]);
      }
    }
  }
  return null;
}
