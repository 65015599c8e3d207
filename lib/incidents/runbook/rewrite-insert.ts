import { lineDiff, type DiffLine } from "./line-diff";
import type { KeyPart } from "./pg-key-detail";
import type { StatementShape } from "./sql-insert";
import { quoteIdent } from "./sql-scan";

export type ConflictKey = {
  parts: KeyPart[];
  /** A partial unique index's predicate: ON CONFLICT must repeat it to pick that index. */
  predicate?: string | null;
  /** Exclusion constraints can only be named, and only with DO NOTHING. */
  constraintOnly?: string | null;
};

/** `(session_uuid)`, `(tenant_id, "Email")`, `((lower(email)))`, `ON CONSTRAINT booking_excl`. */
export function conflictTarget(key: ConflictKey): string {
  if (key.constraintOnly) return `ON CONSTRAINT ${quoteIdent(key.constraintOnly)}`;
  const cols = key.parts.map((p) => (p.column !== null ? p.text : `(${p.text})`)).join(", ");
  return `(${cols})${key.predicate ? ` WHERE ${key.predicate}` : ""}`;
}

/** The columns an upsert sets from EXCLUDED: the statement's (or table's) columns that are not part of the key. */
export function upsertColumns(columns: string[], key: KeyPart[]): string[] {
  const keyCols = new Set(
    key.flatMap((p) =>
      p.column !== null
        ? [p.column]
        : [...p.text.matchAll(/"((?:[^"]|"")+)"|\b([a-z_][a-z0-9_$]*)\b/gi)].map((m) => m[1]?.replace(/""/g, '"') ?? m[2]!.toLowerCase()),
    ),
  );
  return columns.filter((c) => !keyCols.has(c));
}

export function doNothingClause(key: ConflictKey): string {
  return `ON CONFLICT ${conflictTarget(key)} DO NOTHING`;
}

export function doUpdateClause(key: ConflictKey, setColumns: string[]): string | null {
  if (key.constraintOnly && !key.parts.length) return null;
  if (setColumns.length === 0) return null;
  return `ON CONFLICT ${conflictTarget(key)} DO UPDATE SET ${setColumns.map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`).join(", ")}`;
}

export type Rewrite = { text: string; diff: DiffLine[] };

/**
 * The statement with `clause` in place of its ON CONFLICT, or added before RETURNING / at the end,
 * each clause on its own line so the diff shows exactly what changes.
 */
export function rewriteStatement(sql: string, shape: StatementShape, clause: string): Rewrite {
  const from = shape.onConflict ? shape.onConflict.start : shape.insertAt;
  const to = shape.onConflict ? shape.onConflict.end : shape.insertAt;
  const before = sql.slice(0, from).trimEnd();
  let after = sql.slice(to).trim();
  let tail = "";
  if (after.startsWith(";")) {
    tail = ";";
    after = after.slice(1).trim();
  }
  const text = `${before}\n${clause}${tail}${after ? `\n${after}` : ""}`;
  return { text, diff: lineDiff(sql.trimEnd(), text) };
}
