import { randomBytes } from "node:crypto";
import { MongoClient, MongoServerError } from "mongodb";
import { afterAll, describe, expect, it } from "vitest";
import { getTestMongoUrl, stopTestMongoServer } from "@/e2e/support/mongo-server/test-mongo-url";
import { ingestNdjson } from "../../ingest/push-ingest";
import { upsertSource } from "../../sources/source-registry";
import { disconnectPrisma, getPrisma } from "../../store/prisma";
import { getIncidentRunbook } from "./get-incident-runbook";

const tag = `rbm${randomBytes(4).toString("hex")}`;

afterAll(async () => {
  await disconnectPrisma();
  await stopTestMongoServer();
});

describe("runbook of an E11000, with the source's indexes", () => {
  it("an index whose name says nothing gets its key from listIndexes on the linked MongoDB source", async () => {
    const url = await getTestMongoUrl();
    const client = await new MongoClient(url).connect();
    try {
      const carts = client.db(tag).collection("carts");
      await carts.createIndex({ userId: 1, sku: 1 }, { unique: true, name: "one_line_per_sku" });
      await carts.insertOne({ userId: 7, sku: "A", qty: 1 });
      const err = await carts.insertOne({ userId: 7, sku: "A", qty: 2 }).then(
        () => null,
        (e: MongoServerError) => e,
      );
      expect(err?.code).toBe(11000);
      const prisma = getPrisma();
      const app = `${tag}-shop`;
      await upsertSource(prisma, { name: `${tag}-mongo`, kind: "mongodb", url, config: { eventSources: [app] } });
      // The app logs the legacy form (values without field names), as MongoDB 3.x did.
      const line = JSON.stringify({
        time: new Date().toISOString(),
        level: "error",
        msg: `E11000 duplicate key error collection: ${tag}.carts index: one_line_per_sku dup key: { : 7, : "A" }`,
      });
      await ingestNdjson(prisma, app, Buffer.from(line));
      const inc = await prisma.incident.findFirstOrThrow({ where: { source: { name: app } } });
      const r = (await getIncidentRunbook(prisma, inc.id))!;
      expect(r.engine).toBe("mongodb");
      expect(r.facts).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ label: "Index definition", value: "{userId: 1, sku: 1}, unique", from: `listIndexes on ${tag}-mongo` }),
          { label: "Key fields", value: "userId, sku", from: `listIndexes on ${tag}-mongo` },
        ]),
      );
      expect(JSON.stringify(r.steps[0]!.blocks![0])).toContain('{ userId: 7, sku: \\"A\\" }');
      expect(r.gaps).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
