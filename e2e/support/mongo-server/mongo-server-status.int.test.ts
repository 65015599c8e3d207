// serverStatus and currentOp must describe the real sockets and operations.
import { randomBytes } from "node:crypto";
import { MongoClient, type Db } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getStartedTestServer, getTestMongoUrl, stopTestMongoServer } from "./test-mongo-url";

let url: string;
let client: MongoClient;
let db: Db;

beforeAll(async () => {
  url = await getTestMongoUrl();
  client = new MongoClient(url, { serverSelectionTimeoutMS: 5000, appName: "lockboard-status-test" });
  await client.connect();
  db = client.db(`lbtest_status_${randomBytes(4).toString("hex")}`);
  await db.collection("slow").insertOne({ a: 1 });
});

afterAll(async () => {
  await db.dropDatabase();
  await client.close();
  await stopTestMongoServer();
});

const connections = async () => (await client.db("admin").command({ serverStatus: 1 })).connections as Record<string, number>;

/** A find that stays in flight ~600 ms: the test server's delay hook, or $where sleep on a real mongod. */
async function slowFind(comment: string) {
  const server = await getStartedTestServer();
  if (server) {
    server.setDelay(({ body }) => (body.comment === comment ? 600 : 0));
    return db.collection("slow").find({}, { comment }).toArray();
  }
  return db.collection("slow").find({ $where: "sleep(600) || true" }, { comment }).toArray();
}

describe("test MongoDB server: serverStatus and currentOp", () => {
  it("counts connections from the real open sockets", async () => {
    const before = await connections();
    const others = await Promise.all([1, 2, 3].map(async () => new MongoClient(url, { maxPoolSize: 1, minPoolSize: 1 }).connect()));
    await Promise.all(others.map((o) => o.db("admin").command({ ping: 1 })));
    const during = await connections();
    // Each client holds a pooled connection plus its monitoring socket.
    expect(during.current - before.current).toBeGreaterThanOrEqual(3);
    expect(during.totalCreated - before.totalCreated).toBeGreaterThanOrEqual(3);
    expect(during.available).toBeLessThan(before.available);
    expect(during.active).toBeGreaterThanOrEqual(1);
    await Promise.all(others.map((o) => o.close()));
    await expect.poll(async () => (await connections()).current, { timeout: 5000 }).toBe(before.current);
  });

  it("lists the operations in flight in currentOp and $currentOp", async () => {
    const comment = `lb-slow-${randomBytes(3).toString("hex")}`;
    const pending = slowFind(comment);
    await expect
      .poll(async () => (await client.db("admin").command({ currentOp: 1, "command.comment": comment })).inprog.length, { timeout: 5000, interval: 50 })
      .toBe(1);
    const [op] = (await client.db("admin").command({ currentOp: 1, "command.comment": comment })).inprog;
    expect(op).toMatchObject({ active: true, op: "query", ns: `${db.databaseName}.slow` });
    expect(typeof op.opid).toBe("number");
    const viaStage = await client
      .db("admin")
      .aggregate([{ $currentOp: {} }, { $match: { "command.comment": comment } }])
      .toArray();
    expect(viaStage).toHaveLength(1);
    expect(await pending).toHaveLength(1);
    const after = await client.db("admin").command({ currentOp: 1, "command.comment": comment });
    expect(after.inprog).toHaveLength(0);
  });
});
