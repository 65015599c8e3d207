// Security: what a failed write may send to a MongoDB source (issue 15, replay targets), against
// the in-repo wire server, whose received commands show what reached the server.
import { randomBytes } from "node:crypto";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestMongoServer, type TestMongoServer } from "@/e2e/support/mongo-server/server";
import { closeMongoClients } from "../mongo/mongo-client";
import { upsertSource } from "../sources/source-registry";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { captureFailedWriteBody } from "./capture-failed-writes";
import { getFailedWrite } from "./get-failed-write";
import { replayOneNow } from "./replay-one";

const prisma = getPrisma();
const tag = randomBytes(4).toString("hex");
const dbName = `sec_${tag}`;
const ns = `${dbName}.messages`;
const SECRET = `secret-${tag}`;
let server: TestMongoServer;
let client: MongoClient;
let sourceName: string;
let sourceId: number;
/** Every command body the server received, as JSON text. */
const received: string[] = [];

const submission = (extra: Record<string, unknown>) => ({
  source: sourceName,
  namespace: ns,
  operation: "insert",
  key: { messageId: "m-1" },
  document: { messageId: "m-1", text: "hi" },
  error: "E11000 duplicate key error",
  occurredAt: new Date().toISOString(),
  ...extra,
});

async function storedWrite(key: object, payload: object, namespace = ns) {
  return prisma.failedWrite.create({
    data: {
      sourceId,
      namespace,
      operation: "insert",
      idempotencyKey: key,
      keyHash: randomBytes(8).toString("hex"),
      payload,
      error: "E11000",
      errorKind: "duplicate_key",
      occurredAt: new Date(),
    },
  });
}

beforeAll(async () => {
  server = await startTestMongoServer();
  server.setDelay(({ body }) => {
    received.push(JSON.stringify(body));
    return 0;
  });
  client = await new MongoClient(server.url).connect();
  await client.db(dbName).collection("messages").insertOne({ messageId: "m-1", text: "hi", secret: SECRET });
  sourceName = `sec-mongo-${tag}`;
  sourceId = (
    await upsertSource(prisma, {
      name: sourceName,
      kind: "mongodb",
      url: server.url,
      config: { replay: { namespaces: [ns, "admin.system.users", "local.oplog.rs"] } },
    })
  ).id;
});

afterAll(async () => {
  await client?.close();
  await closeMongoClients();
  await server?.stop();
  await prisma.failedWrite.deleteMany({ where: { sourceId } });
  await prisma.source.deleteMany({ where: { id: sourceId } });
  await disconnectPrisma();
});

describe("replay targets on MongoDB", () => {
  it("refuses a $where key at capture, and never sends one to the server for a write stored before the rule", async () => {
    const err = await captureFailedWriteBody(prisma, submission({ key: { $where: "sleep(5000) || true" } }), "api").catch((e) => e);
    expect(err.status).toBe(400);
    expect(err.message).toContain('invalid field "key.$where": a MongoDB key field name starts with $');
    for (const key of [{ "a.b": "x" }]) expect((await captureFailedWriteBody(prisma, submission({ key }), "api").catch((e) => e)).status).toBe(400);

    const old = await storedWrite({ $where: "sleep(5000) || true" }, { document: { text: "hi" } });
    const operator = await storedWrite({ messageId: { $ne: null } }, { document: { text: "hi" } });
    const before = received.length;
    for (const w of [old, operator]) {
      expect((await getFailedWrite(prisma, w.id))?.target).toMatchObject({ state: "refused" });
      expect(await replayOneNow(prisma, w.id, { origin: "dashboard", reason: "test replay", actor: "sec-test" })).toMatchObject({
        status: "failed",
        lastError: expect.stringMatching(/key/),
      });
    }
    expect(received.slice(before).filter((b) => b.includes("$where") || b.includes("$ne"))).toEqual([]);
    expect(received.slice(before).filter((b) => b.includes(dbName))).toEqual([]);
  });

  it("refuses operators in document field names at any depth, but takes Extended JSON values", async () => {
    for (const document of [
      { messageId: "m-1", $where: "x" },
      { messageId: "m-1", "a.b": 1 },
      { messageId: "m-1", profile: { nested: { $function: "x" } } },
    ]) {
      const err = await captureFailedWriteBody(prisma, submission({ document }), "api").catch((e) => e);
      expect(err.status, JSON.stringify(document)).toBe(400);
    }
    const ok = await captureFailedWriteBody(
      prisma,
      submission({ key: { messageId: "m-2" }, document: { messageId: "m-2", at: { $date: "2026-11-23T01:00:00Z" } } }),
      "api",
    );
    expect(ok.created).toBe(1);
  });

  it("refuses the system databases admin, config and local even when declared", async () => {
    for (const namespace of ["admin.system.users", "local.oplog.rs", "config.settings"]) {
      const err = await captureFailedWriteBody(prisma, submission({ namespace }), "api").catch((e) => e);
      expect(err.status).toBe(400);
      expect(err.message).toContain("system database");
    }
    const before = received.length;
    const old = await storedWrite({ user: "root" }, { document: { user: "root" } }, "admin.system.users");
    expect((await getFailedWrite(prisma, old.id))?.target).toMatchObject({ state: "refused", error: expect.stringContaining("system database admin") });
    expect(received.slice(before).filter((b) => b.includes("system.users"))).toEqual([]);
  });

  it("refuses a collection the source does not declare", async () => {
    const err = await captureFailedWriteBody(prisma, submission({ namespace: `${dbName}.users` }), "api").catch((e) => e);
    expect(err.status).toBe(400);
    expect(err.message).toContain(`does not accept failed writes into "${dbName}.users"`);
  });

  it("the detail and the replay's read-back hold only the key and payload fields", async () => {
    const { ids } = await captureFailedWriteBody(prisma, submission({}), "api");
    const before = received.length;
    const detail = await getFailedWrite(prisma, ids[0]);
    expect(detail?.target).toEqual({ state: "found", record: { messageId: "m-1", text: "hi" }, diff: [], count: 1 });
    // The recorder sees what a detail view sends: a plain-equality filter and a projection.
    const find = received
      .slice(before)
      .map((b) => JSON.parse(b))
      .find((b) => b.find === "messages");
    expect(find).toMatchObject({ filter: { messageId: { $eq: "m-1" } }, projection: { _id: 0, messageId: 1, text: 1 } });
    expect(await replayOneNow(prisma, ids[0], { origin: "dashboard", reason: "test replay", actor: "sec-test" })).toMatchObject({ status: "already_present" });
    expect(JSON.stringify(await getFailedWrite(prisma, ids[0]))).not.toContain(SECRET);
    expect(JSON.stringify(await prisma.failedWrite.findUnique({ where: { id: ids[0] } }))).not.toContain(SECRET);
  });
});
