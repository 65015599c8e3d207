import { splitTopLevel, unquoteIdent } from "./sql-scan";

/** One element of a unique key as PostgreSQL prints it: a column (already quoted when it must be) or an expression. */
export type KeyPart = { text: string; column: string | null };

export type PgKeyDetail = {
  parts: KeyPart[];
  /** The values, one per part when they split unambiguously; else null (see `rawValues`). */
  values: string[] | null;
  rawValues: string;
  /** 23505 says "already exists", 23P01 (exclusion) "conflicts with existing key". */
  exclusion: boolean;
};

const IDENT = /^(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+")$/;

/**
 * `Key (a, "B c")=(1, x) already exists.`, `Key (lower(email::text))=(a@b.c) already exists.`,
 * `Key (room, during)=(1, ["2026-01-01","2026-01-02")) conflicts with existing key (room, during)=(…).`
 */
export function parsePgKeyDetail(detail: string | undefined | null): PgKeyDetail | null {
  if (!detail) return null;
  const at = detail.indexOf("Key (");
  if (at === -1) return null;
  // The column list ends at the `)=(` that follows its balanced parentheses.
  let depth = 0;
  let quote = false;
  let i = at + 4;
  for (; i < detail.length; i++) {
    const c = detail[i]!;
    if (c === '"') quote = !quote;
    if (quote) continue;
    if (c === "(") depth++;
    if (c === ")" && --depth === 0) break;
  }
  if (detail.slice(i, i + 3) !== ")=(") return null;
  const cols = detail.slice(at + 5, i);
  const tail = detail.slice(i + 3);
  const endM = /\) (already exists|conflicts with existing key)/.exec(tail);
  const rawValues = endM ? tail.slice(0, endM.index) : tail.replace(/\)\.?\s*$/, "");
  const parts = splitTopLevel(cols).map((text) => ({ text, column: IDENT.test(text) ? unquoteIdent(text) : null }));
  const split = parts.length === 1 ? [rawValues] : rawValues.split(", ");
  return { parts, values: split.length === parts.length ? split : null, rawValues, exclusion: endM?.[1] === "conflicts with existing key" };
}

export function pgConstraintOf(message: string | undefined | null): string | null {
  return message ? (/(?:unique|exclusion) constraint "((?:[^"]|"")+)"/.exec(message)?.[1]?.replace(/""/g, '"') ?? null) : null;
}

/**
 * The table a constraint belongs to by PostgreSQL's own naming (`<table>_<columns>_key`,
 * `<table>_pkey`, `<table>_<columns>_excl`/`_idx`): a guess, said to be one.
 */
export function tableFromConstraintName(constraint: string, columns: string[]): string | null {
  const cols = columns.join("_");
  for (const suffix of [`_${cols}_key`, `_${cols}_idx`, `_${cols}_excl`, "_pkey"]) {
    if (cols && constraint.endsWith(suffix) && constraint.length > suffix.length) return constraint.slice(0, -suffix.length);
  }
  if (constraint.endsWith("_pkey") && constraint.length > 5) return constraint.slice(0, -5);
  return null;
}
