import { describe, expect, it } from "vitest";
import { buildMongoDuplicateRunbook, fieldsFromIndexName, keyFromDriverError, parseE11000 } from "./mongo-duplicate";

describe("E11000 messages", () => {
  it("reads the 4.2+ form, compound keys and nested values", () => {
    expect(
      parseE11000(
        'E11000 duplicate key error collection: LibreChat.messages index: messageId_1 dup key: { messageId: "aeca1e76-8f8b-4866-9c13-3fdab023dc91" }',
      ),
    ).toEqual({
      database: "LibreChat",
      collection: "messages",
      index: "messageId_1",
      fields: ["messageId"],
      fieldsFrom: "message",
      values: ['"aeca1e76-8f8b-4866-9c13-3fdab023dc91"'],
    });
    expect(
      parseE11000(
        "E11000 duplicate key error collection: shop.order.items index: orderId_1_sku_-1 dup key: { orderId: ObjectId('65a1b2c3d4e5f60718293a4b'), sku: \"AB, 7\" }",
      ),
    ).toMatchObject({
      database: "shop",
      collection: "order.items",
      fields: ["orderId", "sku"],
      values: ["ObjectId('65a1b2c3d4e5f60718293a4b')", '"AB, 7"'],
    });
    expect(parseE11000('E11000 duplicate key error collection: app.users index: profile.handle_1 dup key: { profile.handle: { first: "a" } }')).toMatchObject({
      fields: ["profile.handle"],
      values: ['{ first: "a" }'],
    });
  });
  it("reads the legacy { : value } forms, taking the fields from the index name", () => {
    expect(parseE11000('E11000 duplicate key error collection: test.users index: email_1 dup key: { : "a@b.c" }')).toMatchObject({
      collection: "users",
      fields: ["email"],
      fieldsFrom: "index name",
      values: ['"a@b.c"'],
    });
    expect(parseE11000('E11000 duplicate key error index: test.users.$tenant_1_email_1  dup key: { : 7, : "a@b.c" }')).toMatchObject({
      database: "test",
      collection: "users",
      index: "tenant_1_email_1",
      fields: ["tenant", "email"],
      values: ["7", '"a@b.c"'],
    });
    expect(parseE11000('E11000 duplicate key error collection: test.users index: uniq_handle dup key: { : "x" }')).toMatchObject({ fields: null });
    expect(parseE11000("E11000 duplicate key error collection: test.users index: _id_ dup key: { _id: 5 }")).toMatchObject({ fields: ["_id"] });
    expect(parseE11000("WriteConflict")).toBeNull();
  });
  it("reads index names and the driver's keyPattern", () => {
    expect(fieldsFromIndexName("user_id_1_created_at_-1")).toEqual(["user_id", "created_at"]);
    expect(fieldsFromIndexName("loc_2dsphere")).toEqual(["loc"]);
    expect(fieldsFromIndexName("my_custom_unique")).toBeNull();
    expect(keyFromDriverError({ err: { code: 11000, keyPattern: { a: 1, b: 1 }, keyValue: { a: "x", b: 2 } } })).toEqual({
      fields: ["a", "b"],
      values: ["x", 2],
    });
  });
});

describe("MongoDB duplicate runbook", () => {
  const dup = parseE11000('E11000 duplicate key error collection: LibreChat.messages index: messageId_1 dup key: { messageId: "m-1" }')!;
  it("names collection and index, and writes updateOne with $setOnInsert on that key", () => {
    const r = buildMongoDuplicateRunbook({
      source: "librechat-api",
      dup,
      document: { messageId: "m-1", conversationId: "c-1", text: "hi" },
      keyStats: { distinct: 5, maxPerKey: 1, events: 5 },
      upstreamBefore: true,
      failedWrites: 2,
    });
    expect(r.engine).toBe("mongodb");
    expect(r.facts.map((f) => [f.label, f.value])).toEqual(
      expect.arrayContaining([
        ["Collection", "messages"],
        ["Index", "messageId_1"],
        ["Key field", "messageId"],
        ["Database", "LibreChat"],
      ]),
    );
    const shell = r.steps[0]!.blocks![0]!;
    expect(shell.type === "code" && shell.text).toBe(
      'use LibreChat\ndb.messages.updateOne(\n  { messageId: "m-1" },\n  { $setOnInsert: {\n    conversationId: "c-1",\n    text: "hi"\n  } },\n  { upsert: true }\n)',
    );
    const diff = r.steps[0]!.blocks![1]!;
    expect(diff.type === "diff" && diff.lines.filter((l) => l.op === "-").map((l) => l.text)).toEqual(["await messages.insertOne(doc);"]);
    const text = JSON.stringify(r);
    expect(text).toContain("code 11000");
    expect(text).toContain("idempotency key");
    expect(text).not.toMatch(/ON CONFLICT|INSERT INTO|pg_/);
  });
  it("compound keys filter on every field; an unknown key says how to find it", () => {
    const c = buildMongoDuplicateRunbook({
      source: "x",
      dup: parseE11000('E11000 duplicate key error collection: shop.carts index: userId_1_sku_1 dup key: { userId: 7, sku: "A" }')!,
      document: null,
      keyStats: null,
      upstreamBefore: false,
      failedWrites: 0,
    });
    expect(JSON.stringify(c.steps[0]!.blocks![0])).toContain('{ userId: 7, sku: \\"A\\" }');
    const u = buildMongoDuplicateRunbook({
      source: "x",
      dup: parseE11000('E11000 duplicate key error collection: test.users index: uniq_handle dup key: { : "x" }')!,
      document: null,
      keyStats: null,
      upstreamBefore: false,
      failedWrites: 0,
    });
    expect(u.gaps.join(" ")).toContain("db.users.getIndexes()");
  });
});
