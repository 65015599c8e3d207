import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { beforeAll, describe, expect, inject, it } from "vitest";
import prismaConfig from "@/prisma.config";
import { applyMigrations, MIGRATIONS_DIR } from "./migrate";
import { compareDescriptions, describeDatabase, describeSchema, readIndexPredicates, type DriftAllowance } from "./schema-drift";
import { getDmmf } from "./schema-drift-dmmf";
import { ensureDatabase } from "./start-store";

const SCHEMA_FILE = path.resolve(process.cwd(), "prisma/schema.prisma");
const PARTIAL_INDEX = `index "Event"."Event_incidentId_occurredAt_idx" (incidentId, occurredAt DESC) btree WHERE ("incidentId" IS NOT NULL)`;

const fk = (table: string, column: string, target: string, onDelete: string) =>
  `foreign key "${table}"(${column}) -> "${target}"(id) ON DELETE ${onDelete} ON UPDATE CASCADE`;
const deleteTrigger = (name: string, table: string, fn: string) =>
  `trigger CREATE TRIGGER "${name}" AFTER DELETE ON "${table}" REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`;

/**
 * What only the SQL says. Each relation of Event and EventEntity that Prisma Client knows has, in
 * the database, no foreign key but a statement trigger doing its onDelete; Prisma's schema
 * language has no way to say "this relation, no key", so each pair is named here.
 */
const keyless = (key: [string, string, string, string], trigger: [string, string, string], does: string): DriftAllowance => ({
  schema: fk(...key),
  database: deleteTrigger(...trigger),
  reason: `Event and EventEntity keep no foreign keys (a check per row costs a third of ingest): ${does}, migration 20261130000000_event_write_path`,
});
const SQL_ONLY: DriftAllowance[] = [
  keyless(["Event", "sourceId", "Source", "CASCADE"], ["Source_deletes_events", "Source", "lockboard_source_deleted"], "a deleted source takes its events"),
  keyless(
    ["Event", "incidentId", "Incident", "SET NULL"],
    ["Incident_unassigns_events", "Incident", "lockboard_incident_deleted"],
    "a deleted incident unassigns its events",
  ),
  {
    schema: `foreign key "EventEntity"(eventId, occurredAt, noise) -> "Event"(id, occurredAt, noise) ON DELETE CASCADE ON UPDATE CASCADE`,
    database: deleteTrigger("Event_deletes_links", "Event", "lockboard_event_deleted"),
    reason:
      "Event and EventEntity keep no foreign keys: a deleted event takes its links, migrations 20261130000000_event_write_path and 20261202000000_event_partitions",
  },
  keyless(["EventEntity", "entityId", "Entity", "CASCADE"], ["Entity_deletes_links", "Entity", "lockboard_entity_deleted"], "a deleted entity takes its links"),
];

/** A fresh database on the run's embedded server with every migration in `dir` applied, described. */
async function migratedDescription(dir = MIGRATIONS_DIR): Promise<string[]> {
  const name = `schema_drift_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await ensureDatabase(inject("embeddedUrl"), name);
  const url = inject("embeddedUrl").replace(/\/postgres$/, `/${name}`);
  await applyMigrations(url, dir);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await describeDatabase(client);
  } finally {
    await client.end();
  }
}

const describeText = (schema: string) => describeSchema(getDmmf(schema), readIndexPredicates(schema));

/** `schema` with `from` replaced, failing if the fixture no longer finds what it edits. */
function edited(schema: string, from: string | RegExp, to: string): string {
  const out = schema.replace(from, to);
  if (out === schema) throw new Error(`fixture: ${String(from)} is not in schema.prisma any more`);
  return out;
}

let schema: string;
let database: string[];

beforeAll(async () => {
  schema = await readFile(SCHEMA_FILE, "utf8");
  database = await migratedDescription();
});

describe("schema.prisma and the migrations agree", () => {
  it("the migrated database is what schema.prisma says, but for the SQL-only parts named with their reason", () => {
    const problems = compareDescriptions(describeText(schema), database, SQL_ONLY);
    expect(problems, `drift between schema.prisma and prisma/migrations:\n${problems.join("\n")}`).toEqual([]);
  });

  it("the tables whose relations have no foreign key are the ones Migrate is told not to manage", () => {
    const keyless = new Set(SQL_ONLY.map((a) => /^foreign key "(\w+)"/.exec(a.schema ?? "")?.[1]));
    expect(new Set(prismaConfig.tables?.external)).toEqual(new Set([...keyless].map((t) => `public.${t}`)));
  });

  it("states Event.fields as json (not jsonb) and the incident index as partial", () => {
    const lines = describeText(schema);
    expect(lines).toContain(`column "Event".fields json NOT NULL DEFAULT '{}'::json`);
    expect(lines).toContain(PARTIAL_INDEX);
  });
});

describe("the drift check fails when they disagree (fixtures)", () => {
  it("a foreign key the schema declares and no migration creates", () => {
    const withKey = edited(
      edited(schema, /(model ApiToken \{[^}]*?createdBy {2}String\?)/, "$1\n  creator    AuthUser? @relation(fields: [createdBy], references: [id])"),
      /(model AuthUser \{[^}]*?sessions AuthSession\[\])/,
      "$1\n  tokens   ApiToken[]",
    );
    expect(compareDescriptions(describeText(withKey), database, SQL_ONLY)).toEqual([
      `schema.prisma declares, the database lacks: foreign key "ApiToken"(createdBy) -> "auth_user"(id) ON DELETE SET NULL ON UPDATE CASCADE`,
    ]);
  });

  it("an index a migration adds that the schema does not declare", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "lockboard-drift-"));
    try {
      await cp(MIGRATIONS_DIR, dir, { recursive: true });
      await mkdir(path.join(dir, "99991231000000_drift_fixture"));
      await writeFile(path.join(dir, "99991231000000_drift_fixture/migration.sql"), `CREATE INDEX "Source_kind_idx" ON "Source"("kind");\n`);
      expect(compareDescriptions(describeText(schema), await migratedDescription(dir), SQL_ONLY)).toEqual([
        `the database has, schema.prisma does not say: index "Source"."Source_kind_idx" (kind) btree`,
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a column type, a default, a referential action and an index predicate the schema states wrongly", () => {
    let wrong = edited(schema, /(fields {6}Json {5}@default\("\{\}"\)) @db\.Json/, "$1");
    wrong = edited(wrong, /(status {10}String {4}@default\(")open"\)/, '$1new")');
    const actionLogSource = /(source Source\? @relation\(fields: \[sourceId\], references: \[id\], onDelete: )SetNull\)\n\n  @@index\(\[at/;
    wrong = edited(wrong, actionLogSource, "$1Cascade)\n\n  @@index([at");
    wrong = edited(wrong, /, where: raw\("\\"incidentId\\" IS NOT NULL"\)/, "");
    expect(compareDescriptions(describeText(wrong), database, SQL_ONLY).sort()).toEqual(
      [
        `schema.prisma declares, the database lacks: column "Event".fields jsonb NOT NULL DEFAULT '{}'::jsonb`,
        `schema.prisma declares, the database lacks: foreign key "ActionLog"(sourceId) -> "Source"(id) ON DELETE CASCADE ON UPDATE CASCADE`,
        `schema.prisma declares, the database lacks: index "Event"."Event_incidentId_occurredAt_idx" (incidentId, occurredAt DESC) btree`,
        `schema.prisma declares, the database lacks: column "Incident".status text NOT NULL DEFAULT 'new'::text`,
        `the database has, schema.prisma does not say: column "Event".fields json NOT NULL DEFAULT '{}'::json`,
        `the database has, schema.prisma does not say: column "Incident".status text NOT NULL DEFAULT 'open'::text`,
        `the database has, schema.prisma does not say: foreign key "ActionLog"(sourceId) -> "Source"(id) ON DELETE SET NULL ON UPDATE CASCADE`,
        `the database has, schema.prisma does not say: ${PARTIAL_INDEX}`,
      ].sort(),
    );
  });

  it("a trigger no allowance names, and an allowance naming what is gone", () => {
    const [, ...rest] = SQL_ONLY;
    const stale: DriftAllowance = { database: deleteTrigger("Gone", "Source", "gone"), reason: "fixture" };
    expect(compareDescriptions(describeText(schema), database, [...rest, stale]).sort()).toEqual([
      `allow-list names a database line the database no longer has: ${stale.database}`,
      `schema.prisma declares, the database lacks: ${SQL_ONLY[0].schema}`,
      `the database has, schema.prisma does not say: ${SQL_ONLY[0].database}`,
    ]);
  });
});
