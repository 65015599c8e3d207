import "server-only";
import type pg from "pg";
import { PermanentApplyError, type WriteToApply } from "./apply-types";
import { splitPgNamespace } from "./pg-target-pool";

/** A target table as the catalog describes it: its columns, and the column sets it holds unique. */
export type PgTableShape = { columns: Set<string>; uniqueKeys: string[][] };

type ShapeRow = { column_names: string[] | null; unique_keys: string[][] | null; found: boolean };

// Only arbiters ON CONFLICT can use count: valid, immediate, non-partial unique indexes on plain
// columns (a primary key is one of them).
const SHAPE_SQL = `
  WITH t AS (
    SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')
  )
  SELECT EXISTS (SELECT 1 FROM t) AS found,
    (SELECT array_agg(a.attname::text ORDER BY a.attnum) FROM pg_attribute a, t
      WHERE a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped) AS column_names,
    (SELECT json_agg(cols) FROM (
      SELECT (SELECT json_agg(a.attname::text ORDER BY a.attname) FROM unnest(i.indkey) AS k(attnum)
              JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum) AS cols
      FROM pg_index i, t
      WHERE i.indrelid = t.oid AND i.indisunique AND i.indisvalid AND i.indimmediate
        AND i.indpred IS NULL AND i.indexprs IS NULL) u) AS unique_keys`;

const cacheKey = (url: string, ns: string) => `${url}\n${ns}`;

/** Reads the shape once per resolver (a replay run or one detail view): catalog changes count from the next one. */
export function pgShapeReader(pool: (url: string) => Pick<pg.Pool, "query">) {
  const cache = new Map<string, Promise<PgTableShape>>();
  return (url: string, namespace: string): Promise<PgTableShape> => {
    const k = cacheKey(url, namespace);
    let p = cache.get(k);
    if (!p) {
      const { schema, table } = splitPgNamespace(namespace);
      p = pool(url)
        .query<ShapeRow>(SHAPE_SQL, [schema, table])
        .then(({ rows: [r] }) => {
          if (!r?.found) throw new PermanentApplyError(`no table ${namespace} on the target (or the source's role cannot see it)`);
          return { columns: new Set(r.column_names ?? []), uniqueKeys: (r.unique_keys ?? []).filter((c): c is string[] => Array.isArray(c)) };
        });
      p.catch(() => cache.delete(k));
      cache.set(k, p);
    }
    return p;
  };
}

/** The columns a write names (key first), each checked against the table; the key must be one of its unique keys. */
export function checkPgWrite(shape: PgTableShape, w: Pick<WriteToApply, "namespace" | "key" | "payload" | "operation">): string[] {
  const keyCols = Object.keys(w.key);
  const sorted = [...keyCols].sort();
  if (!shape.uniqueKeys.some((u) => u.length === sorted.length && u.every((c, i) => c === sorted[i]))) {
    throw new PermanentApplyError(
      `key (${keyCols.join(", ")}) of ${w.namespace} is not covered by a primary key or unique index of that table${
        shape.uniqueKeys.length ? ` (its unique keys: ${shape.uniqueKeys.map((u) => `(${u.join(", ")})`).join(", ")})` : " (it has none)"
      }; a replay needs one to be idempotent`,
    );
  }
  const fields = w.operation === "update" ? Object.keys(w.payload.update?.$set ?? {}) : Object.keys(w.payload.document ?? {});
  const cols = [...keyCols, ...fields.filter((c) => !keyCols.includes(c))];
  const unknown = cols.filter((c) => !shape.columns.has(c));
  if (unknown.length) throw new PermanentApplyError(`${w.namespace} has no column ${unknown.map((c) => JSON.stringify(c)).join(", ")}`);
  return cols;
}
