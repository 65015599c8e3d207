import "server-only";
import { withMonitorClient } from "../../postgres/monitor-pool";
import type { PgConstraintInfo } from "./pg-duplicate";

type CatalogRow = {
  name: string;
  schema: string;
  table: string;
  type: PgConstraintInfo["type"];
  deferrable: boolean;
  predicate: string | null;
  definition: string;
  keys: string[];
  columns: string[];
};

/**
 * A unique constraint, exclusion constraint or unique index by name, with its table, key elements,
 * predicate and the table's columns an application writes (no generated, identity or serial ones). Read-only, on the monitor's short-timeout
 * connection; a table hint picks among same-named constraints in several schemas.
 */
const SQL = `
  WITH idx AS (
    SELECT i.relname AS name, n.nspname AS schema, t.relname AS "table", x.indexrelid, x.indrelid, x.indnkeyatts, x.indpred,
           c.contype::text AS contype, coalesce(c.condeferrable, false) AS deferrable,
           coalesce(pg_get_constraintdef(c.oid), pg_get_indexdef(x.indexrelid)) AS definition
    FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    JOIN pg_class t ON t.oid = x.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid AND c.contype IN ('u', 'p', 'x')
    WHERE (x.indisunique OR c.contype = 'x') AND (i.relname = $1 OR c.conname = $1))
  SELECT coalesce(c.conname, idx.name) AS name, idx.schema, idx."table",
         coalesce(idx.contype, 'i') AS type, idx.deferrable,
         pg_get_expr(idx.indpred, idx.indrelid) AS predicate, idx.definition,
         ARRAY(SELECT pg_get_indexdef(idx.indexrelid, k, true) FROM generate_series(1, idx.indnkeyatts) k) AS keys,
         ARRAY(SELECT a.attname::text FROM pg_attribute a
               WHERE a.attrelid = idx.indrelid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' AND a.attidentity = ''
                 AND NOT EXISTS (SELECT 1 FROM pg_attrdef d WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%')
               ORDER BY a.attnum) AS columns
  FROM idx LEFT JOIN pg_constraint c ON c.conindid = idx.indexrelid AND c.contype IN ('u', 'p', 'x')
  ORDER BY (idx."table" = $2) DESC, (idx.schema = coalesce($3, 'public')) DESC
  LIMIT 1`;

const cache = new Map<string, { at: number; value: PgConstraintInfo | null }>();
const TTL_MS = 5 * 60_000;

export async function lookupPgConstraint(
  url: string,
  constraint: string,
  hint: { table: string | null; schema: string | null } = { table: null, schema: null },
): Promise<PgConstraintInfo | null> {
  const key = `${url}\u0000${constraint}\u0000${hint.schema ?? ""}.${hint.table ?? ""}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
  const row = await withMonitorClient(
    url,
    async (client) => {
      // A read-only transaction: the runbook can never change the database it describes.
      await client.query("BEGIN TRANSACTION READ ONLY");
      try {
        const r = await client.query<CatalogRow>(SQL, [constraint, hint.table, hint.schema]);
        return r.rows[0] ?? null;
      } finally {
        await client.query("ROLLBACK");
      }
    },
    { statementTimeoutMs: 1_500 },
  );
  const value: PgConstraintInfo | null = row
    ? {
        name: row.name,
        schema: row.schema,
        table: row.table,
        type: row.type,
        keys: row.keys,
        deferrable: row.deferrable,
        predicate: row.predicate,
        definition: row.definition,
        tableColumns: row.columns,
      }
    : null;
  if (cache.size > 500) cache.clear();
  cache.set(key, { at: Date.now(), value });
  return value;
}
