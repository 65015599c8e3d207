import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestLogFile } from "../../ingest/ingest-file";
import { upsertSource } from "../../sources/source-registry";
import { disconnectPrisma, getPrisma } from "../../store/prisma";
import { getIncidentRunbook } from "./get-incident-runbook";
import { lookupPgConstraint } from "./pg-catalog";
import type { IncidentRunbook } from "./runbook-types";

// The machine's own PostgreSQL plays the monitored application database: a real schema, a real
// 23505 raised by it, logged the way its server log would carry it.
const MACHINE_PG = process.env.LOCKBOARD_TEST_APP_PG ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const tag = `rb${randomBytes(4).toString("hex")}`;
const schema = `${tag}_app`;
let dir: string;
let admin: pg.Client;

/** A pg-stderr log of one real failure: the ERROR, DETAIL and STATEMENT lines PostgreSQL writes. */
async function provoke(sql: string, params: unknown[]): Promise<string> {
  const err = await admin.query(sql, params).then(
    () => null,
    (e: pg.DatabaseError) => e,
  );
  if (!err || err.code !== "23505") throw new Error(`expected 23505, got ${err?.code}`);
  const t = new Date().toISOString().replace("T", " ").replace("Z", " UTC");
  return [`${t} [4242] ERROR:  ${err.message}`, `${t} [4242] DETAIL:  ${err.detail}`, `${t} [4242] STATEMENT:  ${sql}`].join("\n") + "\n";
}

async function runbookOf(source: string, file: string): Promise<IncidentRunbook> {
  const prisma = getPrisma();
  await ingestLogFile(prisma, source, file);
  const inc = await prisma.incident.findFirstOrThrow({ where: { source: { name: source }, kind: "duplicate_key" } });
  return (await getIncidentRunbook(prisma, inc.id))!;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lockboard-runbook-"));
  admin = new pg.Client({ connectionString: MACHINE_PG });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.query(
    `CREATE TABLE ${schema}."Contacts" (id bigserial PRIMARY KEY, "tenantId" int NOT NULL, email text NOT NULL, name text, deleted_at timestamptz)`,
  );
  await admin.query(`CREATE UNIQUE INDEX contacts_active_email ON ${schema}."Contacts" ("tenantId", lower(email)) WHERE deleted_at IS NULL`);
  await admin.query(`INSERT INTO ${schema}."Contacts" ("tenantId", email, name) VALUES (7, 'a@b.c', 'A')`);
});

afterAll(async () => {
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
  await admin.end();
  await rm(dir, { recursive: true, force: true });
  await disconnectPrisma();
});

describe("runbook of a PostgreSQL duplicate key, with the source's catalog", () => {
  it("reads the partial expression index from pg_index, read-only", async () => {
    const info = await lookupPgConstraint(MACHINE_PG, "contacts_active_email");
    expect(info).toMatchObject({
      schema,
      table: "Contacts",
      type: "i",
      keys: ['"tenantId"', "lower(email)"],
      predicate: "(deleted_at IS NULL)",
      tableColumns: ["tenantId", "email", "name", "deleted_at"],
    });
    expect(await lookupPgConstraint(MACHINE_PG, `${tag}_no_such_constraint`)).toBeNull();
  });

  it("a postgres source's incident gets table, key and a rewrite the database accepts", async () => {
    await upsertSource(getPrisma(), { name: `${tag}-pg`, kind: "postgres", url: MACHINE_PG });
    const insert = `INSERT INTO ${schema}."Contacts" ("tenantId", email, name) VALUES ($1, $2, $3)`;
    const file = path.join(dir, "pg.log");
    await writeFile(file, await provoke(insert, [7, "A@b.c", "again"]));
    const r = await runbookOf(`${tag}-pg`, file);
    expect(r.engine).toBe("postgres");
    const facts = Object.fromEntries(r.facts.map((f) => [f.label, f]));
    expect(facts.Constraint!.value).toBe("contacts_active_email");
    expect(facts.Table).toMatchObject({ value: `${schema}.Contacts`, from: `pg_constraint on ${tag}-pg` });
    expect(facts["Key columns"]!.value).toBe('"tenantId", lower(email)');
    expect(r.gaps).toEqual([]);
    // The rewritten statements run on the real table: the duplicate no longer raises.
    const diffs = r.steps.flatMap((s) => s.blocks ?? []).filter((b) => b.type === "diff");
    expect(diffs).toHaveLength(2);
    for (const d of diffs) {
      const after =
        d.type === "diff"
          ? d.lines
              .filter((l) => l.op !== "-")
              .map((l) => l.text)
              .join("\n")
          : "";
      expect(after).toContain('ON CONFLICT ("tenantId", (lower(email))) WHERE (deleted_at IS NULL)');
      await admin.query(after, [7, "A@B.C", "upserted"]);
    }
    expect((await admin.query(`SELECT name FROM ${schema}."Contacts"`)).rows).toEqual([{ name: "upserted" }]);
    expect(JSON.stringify(r)).not.toMatch(/updateOne|MongoDB/);
  });

  it("an unreachable catalog degrades to what the log says, and says so", async () => {
    await upsertSource(getPrisma(), { name: `${tag}-down`, kind: "postgres", url: "postgresql://postgres@127.0.0.1:1/postgres" });
    const file = path.join(dir, "down.log");
    await writeFile(file, await provoke(`INSERT INTO ${schema}."Contacts" ("tenantId", email) VALUES ($1, $2)`, [7, "a@b.c"]));
    const r = await runbookOf(`${tag}-down`, file);
    expect(r.gaps.join(" ")).toMatch(/catalog could not be read/);
    expect(r.facts.find((f) => f.label === "Table")).toMatchObject({ value: `${schema}.Contacts`, from: "STATEMENT" });
    expect(r.steps.some((s) => s.blocks?.some((b) => b.type === "diff"))).toBe(true);
  });
});
