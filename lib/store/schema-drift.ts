import type pg from "pg";
import type { Dmmf, DmmfField, DmmfModel } from "./schema-drift-dmmf";

// Both sides are rendered as the same one-line descriptions ("column "Event".fields json NOT NULL",
// "foreign key ...", "index ..."), so a drift reads as the lines one side has and the other lacks.
// Prisma's schema engine (which `prisma migrate diff` needs) is a native binary that cannot be
// installed everywhere Lockboard is tested; this covers what its diff would flag: tables, column
// types and nullability, primary keys, indexes (columns, order, method, operator class, uniqueness,
// predicate), foreign keys with their actions, and every trigger, check and enum the SQL adds.
// A partitioned table is compared as its parent: its partitions (made by the retention job, one per
// day) repeat the parent's columns and indexes.

/** A known difference: the schema's line is the database's line (both), or one side only. */
export type DriftAllowance = { schema?: string; database?: string; reason: string };

const SCALAR: Record<string, string> = {
  String: "text",
  Int: "integer",
  BigInt: "bigint",
  Float: "double precision",
  Decimal: "numeric(65,30)",
  Boolean: "boolean",
  DateTime: "timestamp(3) without time zone",
  Json: "jsonb",
  Bytes: "bytea",
};
const NATIVE: Record<string, string> = {
  Text: "text",
  Integer: "integer",
  SmallInt: "smallint",
  BigInt: "bigint",
  DoublePrecision: "double precision",
  Real: "real",
  Boolean: "boolean",
  Json: "json",
  JsonB: "jsonb",
  Uuid: "uuid",
  Date: "date",
  ByteA: "bytea",
  Inet: "inet",
  Citext: "citext",
  Xml: "xml",
  Money: "money",
  Oid: "oid",
  Timestamptz: "timestamp$ with time zone",
  Timestamp: "timestamp$ without time zone",
  Time: "time$ without time zone",
  Timetz: "time$ with time zone",
  VarChar: "character varying$",
  Char: "character$",
  Decimal: "numeric$",
  Bit: "bit$",
  VarBit: "bit varying$",
};
const ACTION: Record<string, string> = { Cascade: "CASCADE", Restrict: "RESTRICT", NoAction: "NO ACTION", SetNull: "SET NULL", SetDefault: "SET DEFAULT" };
const PG_ACTION: Record<string, string> = { a: "NO ACTION", r: "RESTRICT", c: "CASCADE", n: "SET NULL", d: "SET DEFAULT" };

const q = (name: string) => `"${name}"`;
const tableOf = (m: DmmfModel) => m.dbName ?? m.name;
const columnOf = (f: DmmfField) => f.dbName ?? f.name;

function columnType(f: DmmfField, enums: Dmmf["enums"]): string {
  let type: string;
  if (f.kind === "unsupported") type = f.type;
  else if (f.kind === "enum") type = q(enums.find((e) => e.name === f.type)?.dbName ?? f.type);
  else if (f.nativeType) {
    const [name, args] = f.nativeType;
    const pattern = NATIVE[name];
    if (!pattern) throw new Error(`schema-drift: no PostgreSQL type known for @db.${name}; add it to NATIVE`);
    type = pattern.replace("$", args.length ? `(${args.join(",")})` : "");
  } else {
    type = SCALAR[f.type];
    if (!type) throw new Error(`schema-drift: no PostgreSQL type known for Prisma type ${f.type}`);
  }
  return f.isList ? `${type}[]` : type;
}

// The default as pg_get_expr prints the one Migrate would create; null for none in the database
// (@updatedAt, uuid(), cuid() are filled in by Prisma Client).
function defaultExpr(f: DmmfField, table: string, type: string): string | null {
  const d = f.default;
  if (d === undefined) return null;
  const cast = type.replace(/\(.*?\)/, "");
  // A list default: Migrate writes ARRAY[…]::type[] (only scalar lists of literals exist in Prisma).
  if (Array.isArray(d))
    return `ARRAY[${d.map((v) => (typeof v === "string" ? `'${v.replace(/'/g, "''")}'::${cast.replace(/\[\]$/, "")}` : String(v))).join(", ")}]::${cast}`;
  if (typeof d === "object") {
    if (d.name === "autoincrement") return `nextval('${q(`${table}_${columnOf(f)}_seq`)}'::regclass)`;
    if (d.name === "now") return "CURRENT_TIMESTAMP";
    if (d.name === "dbgenerated") return String(d.args[0]);
    return null;
  }
  if (typeof d === "string") return `'${d.replace(/'/g, "''")}'::${cast}`;
  return String(d);
}

// Prisma's default index names (its ConstraintNames): table and columns cut so that the suffix
// still fits PostgreSQL's 63 bytes.
function defaultName(table: string, columns: string[], suffix: string): string {
  return `${`${table}_${columns.join("_")}`.slice(0, 63 - suffix.length - 1)}_${suffix}`;
}

const indexLine = (kind: string, table: string, name: string, columns: string[], method: string, predicate: string | null) =>
  `${kind} ${q(table)}.${q(name)} (${columns.join(", ")}) ${method}${predicate ? ` WHERE ${predicate}` : ""}`;

const columnLine = (table: string, column: string, type: string, notNull: boolean, fallback: string | null) =>
  `column ${q(table)}.${column} ${type}${notNull ? " NOT NULL" : ""}${fallback === null ? "" : ` DEFAULT ${fallback}`}`;

const fkLine = (table: string, from: string[], target: string, to: string[], onDelete: string, onUpdate: string) =>
  `foreign key ${q(table)}(${from.join(", ")}) -> ${q(target)}(${to.join(", ")}) ON DELETE ${onDelete} ON UPDATE ${onUpdate}`;

/**
 * The `where:` of each partial @@index or @@unique, keyed "Model:index|unique:field,field", read
 * from the schema text: the DMMF leaves it out. Written as raw("…") in the form pg_get_expr prints
 * it, it compares exactly; any other form shows as unreadable, so the test asks for raw().
 */
export function readIndexPredicates(schema: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const [, model, body] of schema.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)) {
    for (const [, kind, fields, rest] of body.matchAll(/^\s*@@(index|unique)\(\[([^\]]*)\](.*)\)\s*$/gm)) {
      const where = /where:\s*(?:raw\("((?:[^"\\]|\\.)*)"\)|(.*))/.exec(rest);
      if (!where) continue;
      const names = fields.split(",").map((f) => f.replace(/\(.*\)/, "").trim());
      const predicate = where[1] !== undefined ? `(${where[1].replace(/\\(.)/g, "$1")})` : `<write as raw(): ${where[2]}>`;
      found.set(`${model}:${kind}:${names.join(",")}`, predicate);
    }
  }
  return found;
}

/** What schema.prisma declares, as description lines; `predicates` from readIndexPredicates. */
export function describeSchema(dmmf: Dmmf, predicates = new Map<string, string>()): string[] {
  const lines: string[] = [];
  const byName = new Map(dmmf.models.map((m) => [m.name, m]));
  for (const e of dmmf.enums) {
    lines.push(`enum ${q(e.dbName ?? e.name)} (${e.values.map((v) => v.dbName ?? v.name).join(", ")})`);
  }
  for (const m of dmmf.models) {
    const table = tableOf(m);
    lines.push(`table ${q(table)}`);
    for (const f of m.fields) {
      if (f.kind === "object") {
        if (!f.relationFromFields?.length) continue;
        const target = byName.get(f.type)!;
        const from = f.relationFromFields.map((n) => columnOf(m.fields.find((x) => x.name === n)!));
        const to = f.relationToFields!.map((n) => columnOf(target.fields.find((x) => x.name === n)!));
        const required = f.relationFromFields.some((n) => m.fields.find((x) => x.name === n)!.isRequired);
        const onDelete = ACTION[f.relationOnDelete ?? (required ? "Restrict" : "SetNull")];
        lines.push(fkLine(table, from, tableOf(target), to, onDelete, ACTION[f.relationOnUpdate ?? "Cascade"]));
      } else {
        // Migrate creates scalar lists as nullable array columns, whatever the DMMF says.
        const type = columnType(f, dmmf.enums);
        lines.push(columnLine(table, columnOf(f), type, f.isRequired && !f.isList, defaultExpr(f, table, type)));
      }
    }
  }
  for (const i of dmmf.indexes) {
    const m = byName.get(i.model)!;
    const table = tableOf(m);
    const names = i.fields.map((x) => columnOf(m.fields.find((f) => f.name === x.name)!));
    const columns = i.fields.map((x, n) => {
      const opclass = x.operatorClass?.replace(/(?<=[a-z0-9])(?=[A-Z])/g, "_").toLowerCase();
      return `${names[n]}${x.sortOrder === "desc" ? " DESC" : ""}${opclass ? ` ${opclass}` : ""}`;
    });
    const [kind, suffix] = i.type === "id" ? ["primary key", "pkey"] : i.type === "unique" ? ["unique index", "key"] : ["index", "idx"];
    const name = i.dbName ?? (i.type === "id" ? `${table}_pkey` : defaultName(table, names, suffix));
    const predicate = predicates.get(`${i.model}:${i.type === "unique" ? "unique" : "index"}:${i.fields.map((x) => x.name).join(",")}`);
    lines.push(indexLine(kind, table, name, columns, (i.algorithm ?? "btree").toLowerCase(), predicate ?? null));
  }
  return lines.sort();
}

const CATALOG = {
  tables: `SELECT c.relname AS table, c.relkind AS kind FROM pg_class c
    WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r','p','v','m') AND c.relname <> '_prisma_migrations' AND NOT c.relispartition`,
  columns: `SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull,
      pg_get_expr(d.adbin, d.adrelid) AS default
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r','p') AND c.relname <> '_prisma_migrations' AND NOT c.relispartition
      AND a.attnum > 0 AND NOT a.attisdropped`,
  indexes: `SELECT t.relname AS table, i.relname AS name, x.indisunique AS unique, x.indisprimary AS primary, am.amname AS method,
      pg_get_expr(x.indpred, x.indrelid) AS predicate,
      ARRAY(SELECT pg_get_indexdef(x.indexrelid, k, true)
          || CASE WHEN x.indoption[k - 1] & 1 = 1 THEN ' DESC' ELSE '' END
          || COALESCE((SELECT ' ' || oc.opcname FROM pg_opclass oc WHERE oc.oid = x.indclass[k - 1] AND NOT oc.opcdefault), '')
        FROM generate_series(1, x.indnkeyatts) k ORDER BY k)::text[] AS columns
    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid JOIN pg_am am ON am.oid = i.relam
    WHERE t.relnamespace = current_schema()::regnamespace AND t.relname <> '_prisma_migrations' AND NOT t.relispartition`,
  foreignKeys: `SELECT t.relname AS table, r.relname AS target, k.confdeltype AS ondelete, k.confupdtype AS onupdate,
      ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY u(n, o)
        JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY o)::text[] AS from,
      ARRAY(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY u(n, o)
        JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY o)::text[] AS to
    FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_class r ON r.oid = k.confrelid
    WHERE k.contype = 'f' AND k.connamespace = current_schema()::regnamespace`,
  // PostgreSQL 18 also lists NOT NULL as constraints ('n'): the columns already say it.
  otherConstraints: `SELECT t.relname AS table, k.conname AS name, k.contype AS type, pg_get_constraintdef(k.oid) AS def
    FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid
    WHERE k.contype NOT IN ('f','p','u','n') AND k.connamespace = current_schema()::regnamespace AND t.relname <> '_prisma_migrations'
      AND NOT t.relispartition`,
  triggers: `SELECT pg_get_triggerdef(g.oid) AS def FROM pg_trigger g JOIN pg_class t ON t.oid = g.tgrelid
    WHERE NOT g.tgisinternal AND t.relnamespace = current_schema()::regnamespace AND NOT t.relispartition`,
  enums: `SELECT t.typname AS name, ARRAY(SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder)::text[] AS values
    FROM pg_type t WHERE t.typtype = 'e' AND t.typnamespace = current_schema()::regnamespace`,
};

// pg_get_indexdef quotes a column only when it must; the schema side never quotes.
const unquote = (column: string) => column.replace(/^"((?:[^"]|"")*)"/, (_, name: string) => name.replace(/""/g, '"'));

/** What the database has, in the schema it is connected to, as description lines. */
export async function describeDatabase(client: pg.ClientBase): Promise<string[]> {
  const rows = async <T extends pg.QueryResultRow>(sql: string) => (await client.query<T>(sql)).rows;
  const lines: string[] = [];
  for (const t of await rows<{ table: string; kind: string }>(CATALOG.tables)) {
    lines.push(`${t.kind === "r" || t.kind === "p" ? "table" : "view"} ${q(t.table)}`);
  }
  type ColumnRow = { table: string; column: string; type: string; notnull: boolean; default: string | null };
  for (const c of await rows<ColumnRow>(CATALOG.columns)) {
    // Prisma reads a now() default as @default(now()), which it writes as CURRENT_TIMESTAMP.
    lines.push(columnLine(c.table, c.column, c.type, c.notnull, c.default === "now()" ? "CURRENT_TIMESTAMP" : c.default));
  }
  type IndexRow = { table: string; name: string; unique: boolean; primary: boolean; method: string; predicate: string | null; columns: string[] };
  for (const i of await rows<IndexRow>(CATALOG.indexes)) {
    const kind = i.primary ? "primary key" : i.unique ? "unique index" : "index";
    lines.push(indexLine(kind, i.table, i.name, i.columns.map(unquote), i.method, i.predicate));
  }
  type FkRow = { table: string; target: string; ondelete: string; onupdate: string; from: string[]; to: string[] };
  for (const k of await rows<FkRow>(CATALOG.foreignKeys)) lines.push(fkLine(k.table, k.from, k.target, k.to, PG_ACTION[k.ondelete], PG_ACTION[k.onupdate]));
  for (const k of await rows<{ table: string; name: string; type: string; def: string }>(CATALOG.otherConstraints)) {
    lines.push(`constraint ${q(k.table)}.${q(k.name)} ${k.def}`);
  }
  for (const g of await rows<{ def: string }>(CATALOG.triggers)) lines.push(`trigger ${g.def.replace(/ ON public\./, " ON ")}`);
  for (const e of await rows<{ name: string; values: string[] }>(CATALOG.enums)) lines.push(`enum ${q(e.name)} (${e.values.join(", ")})`);
  return lines.sort();
}

/** The differences between the two descriptions that no allowance explains, one readable line each. */
export function compareDescriptions(schema: string[], database: string[], allowances: DriftAllowance[]): string[] {
  const problems: string[] = [];
  const expected = new Set(schema);
  const actual = new Set(database);
  for (const a of allowances) {
    if (a.schema !== undefined && !expected.delete(a.schema)) problems.push(`allow-list names a schema line the schema no longer has: ${a.schema}`);
    if (a.database === undefined) continue;
    if (actual.has(a.database)) expected.add(a.database);
    else problems.push(`allow-list names a database line the database no longer has: ${a.database}`);
  }
  for (const line of expected) if (!actual.has(line)) problems.push(`schema.prisma declares, the database lacks: ${line}`);
  for (const line of actual) if (!expected.has(line)) problems.push(`the database has, schema.prisma does not say: ${line}`);
  return problems;
}
