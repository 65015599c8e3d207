// Driven only through the official driver; runs against a real mongod when MONGO_URL is set.
import { randomBytes } from "node:crypto";
import { MongoBulkWriteError, MongoClient, MongoServerError, type Db } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getTestMongoUrl, stopTestMongoServer } from "./test-mongo-url";

let client: MongoClient;
let db: Db;

beforeAll(async () => {
  client = new MongoClient(await getTestMongoUrl(), { serverSelectionTimeoutMS: 5000 });
  await client.connect();
  db = client.db(`lbtest_crud_${randomBytes(4).toString("hex")}`);
});

afterAll(async () => {
  await db.dropDatabase();
  await client.close();
  await stopTestMongoServer();
});

async function dupError(p: Promise<unknown>): Promise<MongoServerError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MongoServerError);
  return err as MongoServerError;
}

describe("test MongoDB server: writes", () => {
  it("enforces a single-field unique index with mongod's exact E11000 error", async () => {
    const c = db.collection("messages");
    await c.createIndex({ messageId: 1 }, { unique: true });
    await c.insertOne({ messageId: "m-1", text: "hi" });
    const err = await dupError(c.insertOne({ messageId: "m-1", text: "again" }));
    expect(err.code).toBe(11000);
    expect(err.keyPattern).toEqual({ messageId: 1 });
    expect(err.keyValue).toEqual({ messageId: "m-1" });
    expect(err.message).toBe(`E11000 duplicate key error collection: ${db.databaseName}.messages index: messageId_1 dup key: { messageId: "m-1" }`);
    expect(await c.countDocuments({ messageId: "m-1" })).toBe(1);
  });

  it("enforces compound unique indexes and formats numbers bare", async () => {
    const c = db.collection("sessions");
    await c.createIndex({ tenant: 1, seq: 1 }, { unique: true, name: "tenant_seq" });
    await c.insertOne({ tenant: "t1", seq: 7 });
    await c.insertOne({ tenant: "t2", seq: 7 });
    const err = await dupError(c.insertOne({ tenant: "t1", seq: 7 }));
    expect(err.message).toBe(`E11000 duplicate key error collection: ${db.databaseName}.sessions index: tenant_seq dup key: { tenant: "t1", seq: 7 }`);
    expect(err.keyValue).toEqual({ tenant: "t1", seq: 7 });
    const byUpdate = await dupError(c.updateOne({ tenant: "t2" }, { $set: { tenant: "t1" } }));
    expect(byUpdate.code).toBe(11000);
    expect(await c.countDocuments({ tenant: "t2" })).toBe(1);
  });

  it("reports a duplicate _id on the _id_ index", async () => {
    const c = db.collection("ids");
    await c.insertOne({ _id: 5 as never, a: 1 });
    const err = await dupError(c.insertOne({ _id: 5 as never, a: 2 }));
    expect(err.message).toContain("index: _id_ dup key: { _id: 5 }");
  });

  it("upserts with $setOnInsert, $set, $inc, $push and $unset", async () => {
    type Row = { key: string; created?: number; v?: string; gone?: boolean; n?: number; log?: string[] };
    const c = db.collection<Row>("upserts");
    await c.createIndex({ key: 1 }, { unique: true });
    const first = await c.updateOne(
      { key: "k" },
      { $setOnInsert: { created: 1 }, $set: { v: "a", gone: true }, $inc: { n: 1 }, $push: { log: "one" } },
      { upsert: true },
    );
    expect(first.upsertedCount).toBe(1);
    const second = await c.updateOne(
      { key: "k" },
      { $setOnInsert: { created: 2 }, $inc: { n: 1 }, $push: { log: "two" }, $unset: { gone: "" } },
      { upsert: true },
    );
    expect(second).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    const doc = await c.findOne({ key: "k" }, { projection: { _id: 0 } });
    expect(doc).toEqual({ key: "k", created: 1, v: "a", n: 2, log: ["one", "two"] });
    const same = await c.updateOne({ key: "k" }, { $set: { v: "a" } });
    expect(same.modifiedCount).toBe(0);
  });

  it("findOneAndUpdate returns the document and a top-level DuplicateKey error", async () => {
    const c = db.collection("fam");
    await c.createIndex({ email: 1 }, { unique: true });
    const made = await c.findOneAndUpdate({ email: "a@x" }, { $setOnInsert: { n: 0 } }, { upsert: true, returnDocument: "after" });
    expect(made).toMatchObject({ email: "a@x", n: 0 });
    await c.insertOne({ email: "b@x" });
    const err = await dupError(c.findOneAndUpdate({ email: "b@x" }, { $set: { email: "a@x" } }));
    expect(err.code).toBe(11000);
    expect(err.codeName).toBe("DuplicateKey");
    expect(err.keyValue).toEqual({ email: "a@x" });
    const none = await c.findOneAndUpdate({ email: "zz" }, { $set: { n: 1 } });
    expect(none).toBeNull();
  });

  it("ordered bulk writes stop at the first error, unordered ones go on", async () => {
    const c = db.collection("bulk");
    await c.createIndex({ k: 1 }, { unique: true });
    await c.insertOne({ k: 2 });
    const docs = () => [{ k: 1 }, { k: 2 }, { k: 3 }, { k: 2 }, { k: 4 }];
    const ordered = await c.insertMany(docs(), { ordered: true }).catch((e: unknown) => e);
    expect(ordered).toBeInstanceOf(MongoBulkWriteError);
    const oe = ordered as MongoBulkWriteError;
    expect(oe.writeErrors).toHaveLength(1);
    expect(oe.insertedCount).toBe(1);
    await c.deleteMany({ k: { $ne: 2 } });
    const unordered = (await c.insertMany(docs(), { ordered: false }).catch((e: unknown) => e)) as MongoBulkWriteError;
    const errs = Array.isArray(unordered.writeErrors) ? unordered.writeErrors : [unordered.writeErrors];
    expect(errs.map((w) => [w.index, w.code])).toEqual([
      [1, 11000],
      [3, 11000],
    ]);
    expect(errs[0].errmsg).toContain("dup key: { k: 2 }");
    expect(unordered.insertedCount).toBe(3);
    const mixed = await c.bulkWrite(
      [
        { updateOne: { filter: { k: 9 }, update: { $set: { x: 1 } }, upsert: true } },
        { deleteOne: { filter: { k: 1 } } },
        { replaceOne: { filter: { k: 3 }, replacement: { k: 3, r: true } } },
      ],
      { ordered: false },
    );
    expect(mixed).toMatchObject({ upsertedCount: 1, deletedCount: 1, modifiedCount: 1 });
    expect(await c.findOne({ k: 3 }, { projection: { _id: 0 } })).toEqual({ k: 3, r: true });
  });
});
