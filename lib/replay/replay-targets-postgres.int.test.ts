// Security: what a failed write may read and write in a PostgreSQL source (issue 15, replay targets).
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { upsertSource } from "../sources/source-registry";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { captureFailedWriteBody } from "./capture-failed-writes";
import { getFailedWrite } from "./get-failed-write";
import { closeTargetPools } from "./pg-target-pool";
import { replayOneNow } from "./replay-one";

const prisma = getPrisma();
const url = inject("embeddedUrl");
const tag = `sec_${randomBytes(4).toString("hex")}`;
const declared = `public.${tag}_declared`;
const undeclared = `public.${tag}_other`;
const noUnique = `public.${tag}_nouniq`;
const SECRET = `secret-${tag}`;
let admin: pg.Client;
let sourceName: string;
let sourceId: number;

const submission = (namespace: string, key: Record<string, string>, document: Record<string, unknown>, operation = "insert") => ({
  source: sourceName,
  namespace,
  operation,
  key,
  ...(operation === "update" ? { update: { $set: document } } : { document: { ...key, ...document } }),
  error: "E11000 duplicate key error",
  occurredAt: new Date().toISOString(),
});

/** A write as it sits in the store, e.g. one captured before the namespace rule existed. */
async function storedWrite(namespace: string, key: Record<string, string>, payload: object, operation = "insert") {
  return prisma.failedWrite.create({
    data: {
      sourceId,
      namespace,
      operation,
      idempotencyKey: key,
      keyHash: randomBytes(8).toString("hex"),
      payload,
      error: "E11000",
      errorKind: "duplicate_key",
      occurredAt: new Date(),
    },
  });
}

const setNamespaces = (namespaces: string[]) => upsertSource(prisma, { name: sourceName, kind: "postgres", url, config: { replay: { namespaces } } });

beforeAll(async () => {
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
  for (const t of [declared, undeclared])
    await admin.query(`CREATE TABLE ${t} (id serial PRIMARY KEY, "messageId" text NOT NULL UNIQUE, text text, secret text DEFAULT '${SECRET}')`);
  await admin.query(`CREATE TABLE ${noUnique} (id serial PRIMARY KEY, name text, text text)`);
  sourceName = `sec-pg-${tag}`;
  sourceId = (await setNamespaces([declared, noUnique, "pg_catalog.pg_authid"])).id;
});

afterAll(async () => {
  for (const t of [declared, undeclared, noUnique]) await admin.query(`DROP TABLE IF EXISTS ${t}`);
  await admin.end();
  await closeTargetPools();
  await prisma.failedWrite.deleteMany({ where: { sourceId } });
  await prisma.source.deleteMany({ where: { id: sourceId } });
  await disconnectPrisma();
});

describe("replay targets on PostgreSQL", () => {
  it("refuses a pg_authid push even when declared, and never reads pg_authid for a write stored before the rule", async () => {
    const err = await captureFailedWriteBody(prisma, submission("pg_catalog.pg_authid", { rolname: "postgres" }, {}), "api").catch((e) => e);
    expect(err.status).toBe(400);
    expect(err.message).toContain('invalid field "namespace": "pg_catalog.pg_authid" is in the system schema pg_catalog');
    for (const ns of ["information_schema.tables", "pg_toast.pg_toast_1255", "pg_temp_3.t", "pg_toast_temp_1.t"]) {
      expect((await captureFailedWriteBody(prisma, submission(ns, { a: "b" }, {}), "api").catch((e) => e)).status).toBe(400);
    }
    const old = await storedWrite("pg_catalog.pg_authid", { rolname: "postgres" }, { document: { rolname: "postgres" } });
    const detail = await getFailedWrite(prisma, old.id);
    expect(detail?.target).toMatchObject({ state: "refused", error: expect.stringContaining("system schema pg_catalog") });
    expect(JSON.stringify(detail)).not.toMatch(/SCRAM-SHA-256|rolpassword|md5[0-9a-f]{32}/);
    const replay = await replayOneNow(prisma, old.id, { origin: "dashboard", reason: "test replay", actor: "sec-test" });
    expect(replay).toMatchObject({ status: "failed", lastError: expect.stringContaining("system schema pg_catalog") });
  });

  it("refuses a failed write into a table the source does not declare: at capture, at replay and in the detail", async () => {
    const err = await captureFailedWriteBody(prisma, submission(undeclared, { messageId: "u-1" }, { text: "x" }), "api").catch((e) => e);
    expect(err.status).toBe(400);
    expect(err.message).toContain(`source ${sourceName} does not accept failed writes into "${undeclared}"`);
    const old = await storedWrite(undeclared, { messageId: "u-1" }, { document: { messageId: "u-1", text: "x" } });
    expect((await getFailedWrite(prisma, old.id))?.target.state).toBe("refused");
    expect(await replayOneNow(prisma, old.id, { origin: "dashboard", reason: "test replay", actor: "sec-test" })).toMatchObject({
      status: "failed",
      lastError: expect.stringContaining("does not accept"),
    });
    expect((await admin.query(`SELECT count(*)::int AS n FROM ${undeclared}`)).rows[0].n).toBe(0);
  });

  it("a namespace taken off the source's list is no longer replayed", async () => {
    const { ids } = await captureFailedWriteBody(prisma, submission(declared, { messageId: "later-1" }, { text: "x" }), "api");
    await setNamespaces([noUnique]);
    try {
      expect(await replayOneNow(prisma, ids[0], { origin: "dashboard", reason: "test replay", actor: "sec-test" })).toMatchObject({
        status: "failed",
        lastError: expect.stringContaining("does not accept"),
      });
      expect((await admin.query(`SELECT count(*)::int AS n FROM ${declared} WHERE "messageId" = 'later-1'`)).rows[0].n).toBe(0);
    } finally {
      await setNamespaces([declared, noUnique, "pg_catalog.pg_authid"]);
    }
  });

  it("refuses a key no unique index or primary key covers, naming the table and columns (an update would hit every matching row)", async () => {
    await admin.query(`INSERT INTO ${noUnique} (name, text) VALUES ('dup', 'first'), ('dup', 'second')`);
    const { ids } = await captureFailedWriteBody(prisma, submission(noUnique, { name: "dup" }, { text: "overwritten" }, "update"), "api");
    const r = await replayOneNow(prisma, ids[0], { origin: "dashboard", reason: "test replay", actor: "sec-test" });
    expect(r.status).toBe("failed");
    expect(r.lastError).toBe(
      `key (name) of ${noUnique} is not covered by a primary key or unique index of that table (its unique keys: (id)); a replay needs one to be idempotent`,
    );
    expect((await admin.query(`SELECT text FROM ${noUnique} ORDER BY id`)).rows.map((x) => x.text)).toEqual(["first", "second"]);
    expect((await getFailedWrite(prisma, ids[0]))?.target).toMatchObject({ state: "refused", error: expect.stringContaining("(name)") });
  });

  it("refuses document columns the table does not have", async () => {
    const { ids } = await captureFailedWriteBody(prisma, submission(declared, { messageId: "col-1" }, { text: "x", nosuch: 1 }), "api");
    expect(await replayOneNow(prisma, ids[0], { origin: "dashboard", reason: "test replay", actor: "sec-test" })).toMatchObject({
      status: "failed",
      lastError: `${declared} has no column "nosuch"`,
    });
  });

  it("the detail and the replay's read-back hold only the key and payload columns, never the row's other columns", async () => {
    await admin.query(`INSERT INTO ${declared} ("messageId", text) VALUES ('s-1', 'hello')`);
    const { ids } = await captureFailedWriteBody(prisma, submission(declared, { messageId: "s-1" }, { text: "hello" }), "api");
    const detail = await getFailedWrite(prisma, ids[0]);
    expect(detail?.target).toEqual({ state: "found", record: { messageId: "s-1", text: "hello" }, diff: [], count: 1 });
    expect(await replayOneNow(prisma, ids[0], { origin: "dashboard", reason: "test replay", actor: "sec-test" })).toMatchObject({ status: "already_present" });
    const after = await getFailedWrite(prisma, ids[0]);
    expect(JSON.stringify(after)).not.toContain(SECRET);
    expect(JSON.stringify(await prisma.failedWrite.findUnique({ where: { id: ids[0] } }))).not.toContain(SECRET);
    expect((after?.outcomeDetail as { record: object }).record).toEqual({ messageId: "s-1", text: "hello" });
  });
});
