import { randomBytes } from "node:crypto";
import { MongoClient, type Db } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getTestMongoUrl, stopTestMongoServer } from "./test-mongo-url";

let client: MongoClient;
let db: Db;

beforeAll(async () => {
  client = new MongoClient(await getTestMongoUrl(), { serverSelectionTimeoutMS: 5000 });
  await client.connect();
  db = client.db(`lbtest_read_${randomBytes(4).toString("hex")}`);
  await db.collection("items").insertMany(Array.from({ length: 250 }, (_, i) => ({ i, group: i % 3 === 0 ? "a" : "b", tags: [`t${i % 2}`] })));
});

afterAll(async () => {
  await db.dropDatabase();
  await client.close();
  await stopTestMongoServer();
});

describe("test MongoDB server: reads", () => {
  it("pages through find with getMore, sort, skip, limit and projection", async () => {
    const c = db.collection("items");
    const all = await c.find({}, { batchSize: 40 }).sort({ i: -1 }).toArray();
    expect(all).toHaveLength(250);
    expect(all[0].i).toBe(249);
    const page = await c
      .find({ group: "b" }, { projection: { _id: 0, i: 1 } })
      .sort({ i: 1 })
      .skip(2)
      .limit(3)
      .toArray();
    expect(page).toEqual([{ i: 4 }, { i: 5 }, { i: 7 }]);
    const cursor = c.find({}, { batchSize: 10 });
    await cursor.next();
    await cursor.close();
  });

  it("counts, distinct and aggregates with common stages", async () => {
    const c = db.collection("items");
    expect(await c.countDocuments({ group: "a" })).toBe(84);
    expect(await c.estimatedDocumentCount()).toBe(250);
    expect((await c.distinct("tags")).sort()).toEqual(["t0", "t1"]);
    const grouped = await c
      .aggregate([
        { $match: { i: { $lt: 10 } } },
        { $group: { _id: "$group", n: { $sum: 1 }, max: { $max: "$i" } } },
        { $sort: { _id: 1 } },
        { $project: { _id: 0, group: "$_id", n: 1, max: 1 } },
      ])
      .toArray();
    expect(grouped).toEqual([
      { n: 4, max: 9, group: "a" },
      { n: 6, max: 8, group: "b" },
    ]);
    const unwound = await c.aggregate([{ $match: { i: { $lt: 4 } } }, { $unwind: "$tags" }, { $count: "n" }]).toArray();
    expect(unwound).toEqual([{ n: 4 }]);
  });

  it("lists and drops databases, collections and indexes", async () => {
    const c = db.collection("ddl");
    await db.createCollection("ddl");
    await expect(db.createCollection("ddl")).rejects.toMatchObject({ code: 48 });
    await c.createIndexes([{ key: { a: 1 }, name: "a_1", unique: true }, { key: { b: 1, c: -1 } }]);
    const idx = await c.listIndexes().toArray();
    expect(idx.map((i) => i.name).sort()).toEqual(["_id_", "a_1", "b_1_c_-1"]);
    expect(idx.find((i) => i.name === "a_1")?.unique).toBe(true);
    await c.dropIndex("a_1");
    expect((await c.indexes()).map((i) => i.name)).not.toContain("a_1");
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((x) => x.name);
    expect(names).toEqual(expect.arrayContaining(["ddl", "items"]));
    const dbs = await client.db().admin().listDatabases();
    expect(dbs.databases.map((d) => d.name)).toContain(db.databaseName);
    expect(await c.drop()).toBe(true);
    expect((await db.listCollections({ name: "ddl" }).toArray()).length).toBe(0);
    expect(await db.command({ ping: 1 })).toMatchObject({ ok: 1 });
    const info = await db.admin().command({ buildInfo: 1 });
    expect(typeof info.version).toBe("string");
  });
});
