import { parsePgKeyDetail, tableFromConstraintName, type PgKeyDetail } from "./pg-key-detail";
import { doNothingClause, doUpdateClause, rewriteStatement, upsertColumns, type ConflictKey } from "./rewrite-insert";
import type { IncidentRunbook, RunbookFact, RunbookStep } from "./runbook-types";
import { readStatement } from "./sql-insert";
import { quoteIdent } from "./sql-scan";

/** A constraint or unique index as the source database's catalog describes it (pg-catalog.ts). */
export type PgConstraintInfo = {
  name: string;
  schema: string;
  table: string;
  /** u unique, p primary key, x exclusion, i a unique index without a constraint. */
  type: "u" | "p" | "x" | "i";
  /** Key elements as pg_get_indexdef prints them (quoted where needed; expressions as written). */
  keys: string[];
  deferrable: boolean;
  predicate: string | null;
  definition: string;
  /** The table's insertable columns in order (no dropped or generated ones). */
  tableColumns: string[];
};

export type PgDuplicateInput = {
  source: string;
  constraint: string | null;
  detail: string | null;
  statement: string | null;
  /** Distinct statements among the events read (after normalizing literals). */
  statementVariants: number;
  code: string | null;
  catalog: PgConstraintInfo | null;
  /** Why the catalog was not read, when it was not. */
  catalogNote: string | null;
  /** Events per key value among those read: many once each is a race between workers, one many times a retry loop. */
  keyStats: { distinct: number; maxPerKey: number; events: number } | null;
  failedWrites: number;
  /** The table and schema the driver's error object carried (node-postgres `error.table`), when the app logged it. */
  driverTable?: { schema: string | null; name: string } | null;
};

const qualified = (schema: string | null, table: string) => (schema && schema !== "public" ? `${quoteIdent(schema)}.${quoteIdent(table)}` : quoteIdent(table));

export function buildPgDuplicateRunbook(input: PgDuplicateInput): IncidentRunbook {
  const key: PgKeyDetail | null = parsePgKeyDetail(input.detail);
  const shape = input.statement ? readStatement(input.statement) : null;
  const cat = input.catalog;
  const facts: RunbookFact[] = [];
  const gaps: string[] = [];
  const steps: RunbookStep[] = [];
  const exclusion = input.code === "23P01" || key?.exclusion === true || cat?.type === "x";

  if (input.constraint) facts.push({ label: exclusion ? "Exclusion constraint" : "Constraint", value: input.constraint, from: "the error message" });
  const keyParts =
    key?.parts ?? (cat ? cat.keys.map((text) => ({ text, column: /^[a-z_][a-z0-9_$]*$|^".*"$/.test(text) ? text.replace(/^"|"$/g, "") : null })) : []);
  if (keyParts.length)
    facts.push({
      label: keyParts.length > 1 ? "Key columns" : "Key column",
      value: keyParts.map((p) => p.text).join(", "),
      from: key ? "DETAIL: Key (…)" : "the catalog",
    });
  if (key) facts.push({ label: "Duplicate value", value: key.values ? key.values.join(", ") : key.rawValues, from: "DETAIL (the latest event)" });

  const table = cat
    ? { schema: cat.schema, name: cat.table, from: `pg_constraint on ${input.source}` }
    : input.driverTable
      ? { schema: input.driverTable.schema, name: input.driverTable.name, from: "the driver's error (table, schema)" }
      : shape?.table
        ? { schema: shape.table.schema, name: shape.table.name, from: "STATEMENT" }
        : input.constraint && keyParts.every((p) => p.column)
          ? (() => {
              const t = tableFromConstraintName(
                input.constraint!,
                keyParts.map((p) => p.column!),
              );
              return t ? { schema: null, name: t, from: "guessed from the constraint's name (PostgreSQL's default naming)" } : null;
            })()
          : null;
  if (table) facts.push({ label: "Table", value: table.schema && table.schema !== "public" ? `${table.schema}.${table.name}` : table.name, from: table.from });
  if (cat) {
    facts.push({ label: "Definition", value: cat.definition, from: `pg_constraint / pg_index on ${input.source}` });
    if (cat.predicate) facts.push({ label: "Partial index predicate", value: cat.predicate, from: "pg_index" });
  }
  if (input.catalogNote) gaps.push(input.catalogNote);

  const conflictKey: ConflictKey = { parts: keyParts, predicate: cat?.predicate ?? null, constraintOnly: exclusion ? input.constraint : null };
  const tableSql = table ? qualified(table.schema, table.name) : "<table>";

  if (input.statement && shape) {
    facts.push({
      label: "Failing statement",
      value: input.statement,
      from: input.statementVariants > 1 ? `STATEMENT (the most frequent of ${input.statementVariants})` : "STATEMENT",
    });
    if (shape.truncated)
      gaps.push(
        "The logged statement is cut short, so the rewrite below adds the clause where the full statement ends: check it against the application's code.",
      );
  } else {
    gaps.push(
      "The events carry no STATEMENT line: set log_min_error_statement = error (the default; someone raised it) so PostgreSQL logs the failing statement with each error, then reload (SELECT pg_reload_conf()).",
    );
  }

  if (cat?.deferrable)
    steps.push({
      text: `${input.constraint} is DEFERRABLE: ON CONFLICT cannot use a deferrable constraint as its arbiter (PostgreSQL refuses it). Make it NOT DEFERRABLE, or check for the row first inside the transaction and handle 23505 at COMMIT.`,
    });

  if (shape && shape.verb === "insert" && keyParts.length) {
    steps.push(...insertSteps(input.statement!, shape, conflictKey, cat, input.constraint, exclusion));
  } else if (shape && shape.verb === "update") {
    steps.push({
      text: `The failing statement is an UPDATE: it moves a row onto a key another row already has. There is no ON CONFLICT for UPDATE: read the other row first (SELECT … FOR UPDATE on ${keyParts.map((p) => p.text).join(", ") || "the key"}) and merge, or catch 23505 and report a conflict instead of retrying.`,
      blocks: [{ type: "code", lang: "sql", title: "Who holds the key already", text: keyLookup(tableSql, keyParts, key) }],
    });
  } else if (keyParts.length) {
    // No usable statement: the clause to add, on a statement shaped like the table's.
    const cols = cat?.tableColumns.length ? cat.tableColumns : keyParts.flatMap((p) => (p.column ? [p.column] : []));
    const template = `INSERT INTO ${tableSql} (${cols.map(quoteIdent).join(", ")})\nVALUES (${cols.map((_, i) => `$${i + 1}`).join(", ")})\n${doNothingClause(conflictKey)};`;
    steps.push({
      text: "Make the insert idempotent: add this ON CONFLICT clause to the INSERT that fails (its text was not in the log).",
      blocks: [{ type: "code", lang: "sql", title: "The clause on an INSERT of this table", text: template }],
    });
  } else {
    gaps.push("Neither DETAIL: Key (…) nor the catalog named the key's columns: the log's DETAIL line was not kept (log_error_verbosity = terse drops it).");
  }

  if (keyParts.length && table)
    steps.push({ text: "Look at the row that won (read-only):", blocks: [{ type: "code", lang: "sql", text: keyLookup(tableSql, keyParts, key) }] });
  if (input.keyStats && input.keyStats.events > 1) {
    const { distinct, maxPerKey, events } = input.keyStats;
    steps.push({
      text:
        maxPerKey > 1 && distinct < events
          ? `Of the latest ${events} events, ${distinct} distinct key value${distinct === 1 ? "" : "s"} failed up to ${maxPerKey} times each: concurrent requests doing check-then-insert for the same key (or a retry after a success). The ON CONFLICT form removes the window; a SELECT first never can.`
          : `The latest ${events} events are ${distinct} different keys, once each: several writers create the same records; make the insert idempotent rather than serializing them.`,
    });
  }
  if (input.failedWrites > 0)
    steps.push({
      text: `${input.failedWrites} write${input.failedWrites === 1 ? " was" : "s were"} handed to Lockboard while this went on: replay them (each ends applied, already present or conflict).`,
      link: { label: "Failed writes", href: "/failed-writes" },
    });

  return {
    title: exclusion
      ? `Exclusion conflict on ${input.constraint ?? "a constraint"}`
      : `Insert race on ${input.constraint ?? "a unique key"}${table ? ` (${table.name})` : ""}`,
    summary: `PostgreSQL refused ${exclusion ? "a row overlapping" : "a second row with"} the same ${keyParts.map((p) => p.text).join(", ") || "key"}${table ? ` in ${table.name}` : ""} (${exclusion ? "23P01" : "23505"}).`,
    engine: "postgres",
    facts,
    steps,
    gaps,
  };
}

function keyLookup(tableSql: string, parts: { text: string }[], key: PgKeyDetail | null): string {
  const lit = (v: string) => `'${v.replace(/'/g, "''")}'`;
  const conds = parts.map((p, i) => `${p.text} = ${key?.values?.[i] !== undefined ? lit(key.values[i]!) : `$${i + 1}`}`);
  return `SELECT * FROM ${tableSql} WHERE ${conds.join(" AND ")};`;
}

function insertSteps(
  sql: string,
  shape: NonNullable<ReturnType<typeof readStatement>>,
  key: ConflictKey,
  cat: PgConstraintInfo | null,
  constraint: string | null,
  exclusion: boolean,
): RunbookStep[] {
  const steps: RunbookStep[] = [];
  const oc = shape.onConflict;
  const target = doNothingClause(key).replace(/^ON CONFLICT | DO NOTHING$/g, "");
  if (oc) {
    const covers = oc.constraint ? oc.constraint === constraint : oc.target ? sameTarget(oc.target, key) : oc.action === "nothing";
    steps.push({
      text: covers
        ? `The statement already has ${oc.text.split("\n")[0]} for this key: a 23505 despite it means a deferred or second unique constraint, or rows inserted twice by this same statement. Check the table's other unique indexes.`
        : `The statement already has an ON CONFLICT, but for ${oc.constraint ? `constraint ${oc.constraint}` : oc.target ? `(${oc.target.join(", ")})` : "another arbiter"}: a conflict on ${constraint ?? target} is not covered by it and still raises. Point it at this key:`,
      ...(covers
        ? {}
        : {
            blocks: [
              {
                type: "diff" as const,
                title: "Make the existing ON CONFLICT cover this key",
                lines: rewriteStatement(sql, shape, `ON CONFLICT ${target} ${oc.action === "update" ? oc.text.slice(oc.text.search(/\bDO\b/i)) : "DO NOTHING"}`)
                  .diff,
              },
            ],
          }),
    });
    return steps;
  }
  const nothing = rewriteStatement(sql, shape, doNothingClause(key));
  steps.push({
    text: `If the first write should win (a session, an event, a message that is created once), let the duplicate do nothing:`,
    blocks: [{ type: "diff", title: "ON CONFLICT … DO NOTHING", lines: nothing.diff }],
  });
  const columns = shape.columns ?? (shape.source === "values" && cat ? cat.tableColumns : null);
  const update = !exclusion && columns ? doUpdateClause(key, upsertColumns(columns, key.parts)) : null;
  if (update) {
    steps.push({
      text: "If the latest write should win, make it an upsert (the non-key columns take the new row's values):",
      blocks: [{ type: "diff", title: "Upsert: ON CONFLICT … DO UPDATE", lines: rewriteStatement(sql, shape, update).diff }],
    });
  } else if (!exclusion && !columns) {
    steps.push({
      text: "The statement names no columns, so an upsert's SET list cannot be written from it: list the columns (INSERT INTO t (a, b) …) and set the non-key ones from EXCLUDED.",
    });
  }
  if (shape.returning)
    steps.push({
      text: `It uses ${shape.returning.split(/\s+/).slice(0, 3).join(" ")}: with DO NOTHING a duplicate returns no row, so the caller must then SELECT the existing one (or use the upsert, which returns it).`,
    });
  if ((shape.rows ?? 0) > 1 || shape.source === "select")
    steps.push({
      text: `It inserts ${shape.source === "select" ? "the rows of a SELECT" : `${shape.rows} rows`} at once: with DO UPDATE, two rows with the same key in one statement fail with "ON CONFLICT DO UPDATE command cannot affect row a second time" (21000); de-duplicate them first (SELECT DISTINCT ON (${key.parts.map((p) => p.text).join(", ")}) …).`,
    });
  return steps;
}

function sameTarget(target: string[], key: ConflictKey): boolean {
  const norm = (s: string) =>
    s
      .replace(/\s+/g, "")
      .replace(/^\((.*)\)$/, "$1")
      .replace(/"/g, "")
      .toLowerCase();
  const want = key.parts.map((p) => norm(p.text)).sort();
  const have = target.map(norm).sort();
  return want.length === have.length && want.every((w, i) => w === have[i]);
}
