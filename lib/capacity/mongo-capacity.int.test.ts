import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MongoClient } from "mongodb";
import { getStartedTestServer, getTestMongoUrl, stopTestMongoServer } from "@/e2e/support/mongo-server/test-mongo-url";
import { upsertSource } from "../sources/source-registry";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { closeMongoClients } from "../mongo/mongo-client";
import { sampleCapacity } from "./sample-capacity";

const run = `${process.pid}-${Date.now()}`;
let url: string;
beforeAll(async () => {
  url = await getTestMongoUrl();
});
afterAll(async () => {
  await closeMongoClients();
  await stopTestMongoServer();
  await disconnectPrisma();
});

type MongoData = { available: number; totalCreated: number; ops: { count: number; longestMs: number; longest: { ns: string } | null } };

describe("MongoDB capacity through the official driver", () => {
  it("sees connections rise with real clients and the operations in flight", async () => {
    const prisma = getPrisma();
    const name = `cap-mongo-${run}`;
    await upsertSource(prisma, { name, kind: "mongodb", url });
    const before = (await sampleCapacity(prisma, { only: [name] }))[0]!;
    expect(before.ok).toBe(true);

    const clients = await Promise.all([1, 2, 3, 4].map(() => new MongoClient(url, { maxPoolSize: 1, minPoolSize: 1 }).connect()));
    await Promise.all(clients.map((c) => c.db("admin").command({ ping: 1 })));
    const db = clients[0]!.db(`lbcap_${process.pid}`);
    await db.collection("slow").insertOne({ a: 1 });
    const comment = `cap-slow-${run}`;
    const server = await getStartedTestServer();
    server?.setDelay(({ body }) => (body.comment === comment ? 800 : 0));
    const pending = db
      .collection("slow")
      .find(server ? {} : { $where: "sleep(800) || true" }, { comment })
      .toArray();
    await new Promise((r) => setTimeout(r, 200));
    try {
      const during = (await sampleCapacity(prisma, { only: [name] }))[0]!;
      const r = during.readings[0]!;
      const data = r.data as MongoData;
      expect(r.metric).toBe("mongo_connections");
      expect(r.value - before.readings[0]!.value).toBeGreaterThanOrEqual(4);
      expect(r.limit).toBe(r.value + data.available);
      expect(data.ops.count).toBeGreaterThanOrEqual(1);
      expect(data.ops.longestMs).toBeGreaterThan(100);
      expect(data.ops.longest?.ns).toBe(`lbcap_${process.pid}.slow`);
    } finally {
      await pending;
      await db.dropDatabase();
      await Promise.all(clients.map((c) => c.close()));
    }
  });

  it("reports a MongoDB that does not answer as down, quickly", async () => {
    const prisma = getPrisma();
    const name = `cap-mongo-down-${run}`;
    await upsertSource(prisma, { name, kind: "mongodb", url: "mongodb://127.0.0.1:1/?directConnection=true" });
    const started = Date.now();
    const out = (await sampleCapacity(prisma, { only: [name], timeoutMs: 800 }))[0]!;
    expect(out.ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
