import "server-only";
import type pg from "pg";
import { diffRecord, jsonSafeRecord } from "./compare-record";
import { PermanentApplyError, type ApplyResult, type TargetState, type WriteToApply } from "./apply-types";
import { getTargetPool, quoteIdent, splitPgNamespace } from "./pg-target-pool";
import { checkPgWrite, type PgTableShape } from "./pg-table-shape";

export type PgShapeOf = (url: string, namespace: string) => Promise<PgTableShape>;

// Objects go to json/jsonb columns as JSON text; arrays stay arrays for PostgreSQL array columns.
const toParam = (v: unknown) => (v !== null && typeof v === "object" && !Array.isArray(v) ? JSON.stringify(v) : v);

function expectedOf(w: WriteToApply): { fields: Record<string, unknown>; unset: string[] } {
  if (w.operation === "update") return { fields: { ...w.payload.update?.$set }, unset: [] };
  return { fields: { ...w.payload.document, ...w.key }, unset: [] };
}

// Only the write's own columns are read back (never `*`): the target may hold columns no viewer
// of a failed write should see.
const selectList = (cols: string[], prefix = "") => cols.map((c) => prefix + quoteIdent(c)).join(", ");

/** A pool, or one client inside a transaction (the replay preview reads in a READ ONLY one). */
export type PgQueryable = Pick<pg.Pool, "query">;

async function readByKey(url: string, w: WriteToApply, cols: string[], db: PgQueryable = getTargetPool(url)) {
  const { schema, table } = splitPgNamespace(w.namespace);
  const keyCols = Object.keys(w.key);
  const where = keyCols.map((c, i) => `${quoteIdent(c)} = $${i + 1}`).join(" AND ");
  const res = await db.query(
    `SELECT ${selectList(cols)} FROM ${quoteIdent(schema)}.${quoteIdent(table)} WHERE ${where} LIMIT 2`,
    keyCols.map((c) => w.key[c]),
  );
  return res.rows as Record<string, unknown>[];
}

/**
 * Idempotent by construction: insert is ON CONFLICT (key) DO NOTHING, upsert updates only when a
 * value differs, update sets only rows that differ. The same statement reads the key back (the
 * written row from RETURNING, else what the target holds), so a write costs one round trip.
 */
export async function applyToPostgres(url: string, w: WriteToApply, shapeOf: PgShapeOf): Promise<ApplyResult> {
  const readCols = checkPgWrite(await shapeOf(url, w.namespace), w);
  const returning = selectList(readCols);
  const { schema, table } = splitPgNamespace(w.namespace);
  const t = `${quoteIdent(schema)}.${quoteIdent(table)}`;
  const keyCols = Object.keys(w.key);
  let write: string;
  let params: unknown[];
  if (w.operation === "update") {
    const set = w.payload.update?.$set ?? {};
    const cols = Object.keys(set);
    params = [...cols.map((c) => toParam(set[c])), ...keyCols.map((c) => w.key[c])];
    const assign = cols.map((c, i) => `${quoteIdent(c)} = $${i + 1}`).join(", ");
    const differs = cols.map((c, i) => `${quoteIdent(c)} IS DISTINCT FROM $${i + 1}`).join(" OR ");
    write = `UPDATE ${t} SET ${assign} WHERE ${keyWhere(keyCols, cols.length)} AND (${differs}) RETURNING ${returning}`;
  } else {
    const doc = { ...w.payload.document, ...w.key };
    const cols = Object.keys(doc);
    params = [...cols.map((c) => toParam(doc[c])), ...keyCols.map((c) => w.key[c])];
    const rest = cols.filter((c) => !keyCols.includes(c));
    const onConflict =
      w.operation === "upsert" && rest.length
        ? `DO UPDATE SET ${rest.map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`).join(", ")} WHERE ${rest.map((c) => `${t}.${quoteIdent(c)} IS DISTINCT FROM EXCLUDED.${quoteIdent(c)}`).join(" OR ")}`
        : "DO NOTHING";
    write = `INSERT INTO ${t} (${cols.map(quoteIdent).join(", ")}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(", ")})
      ON CONFLICT (${keyCols.map(quoteIdent).join(", ")}) ${onConflict} RETURNING ${returning}`;
  }
  const offset = params.length - keyCols.length;
  const res = await getTargetPool(url).query(
    `WITH written AS (${write})
     SELECT true AS "__lockboard_written", written.* FROM written
     UNION ALL
     (SELECT false, ${selectList(readCols, "t.")} FROM ${t} t WHERE ${keyWhere(keyCols, offset, "t.")} AND NOT EXISTS (SELECT 1 FROM written) LIMIT 2)`,
    params,
  );
  let rows = res.rows as Record<string, unknown>[];
  // A conflicting row committed after this statement's snapshot is invisible to it: read again.
  if (rows.length === 0) rows = await readByKey(url, w, readCols);
  if (rows.length === 0) {
    if (w.operation === "update") throw new PermanentApplyError(`no record in ${w.namespace} with ${JSON.stringify(w.key)} to update`);
    throw new Error(`the record with ${JSON.stringify(w.key)} is not in ${w.namespace} after the write`);
  }
  const changed = rows[0].__lockboard_written === true;
  const record = Object.fromEntries(Object.entries(rows[0]).filter(([k]) => k !== "__lockboard_written"));
  if (rows.length > 1) {
    return {
      outcome: "conflict",
      record: jsonSafeRecord(record),
      diff: [{ field: "(key)", expected: "exactly one record", actual: "more than one record with this key" }],
    };
  }
  const { fields, unset } = expectedOf(w);
  const diff = diffRecord(fields, record, unset);
  return { outcome: changed ? "applied" : diff.length ? "conflict" : "already_present", record: jsonSafeRecord(record), diff };
}

function keyWhere(keyCols: string[], offset: number, prefix = ""): string {
  return keyCols.map((c, i) => `${prefix}${quoteIdent(c)} = $${offset + i + 1}`).join(" AND ");
}

export async function readPostgresTarget(url: string, w: WriteToApply, shapeOf: PgShapeOf, db?: PgQueryable): Promise<TargetState> {
  const rows = await readByKey(url, w, checkPgWrite(await shapeOf(url, w.namespace), w), db);
  if (rows.length === 0) return { state: "missing" };
  const { fields, unset } = expectedOf(w);
  return { state: "found", record: jsonSafeRecord(rows[0]), diff: diffRecord(fields, rows[0], unset), count: rows.length };
}
