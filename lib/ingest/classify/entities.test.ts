import { describe, expect, it } from "vitest";
import {
  constraintFromMessage,
  decodeAdvisoryLock,
  entitiesFromJson,
  entitiesFromPgKeyDetail,
  lockWaitPids,
  parseLockWait,
  parseMongoDupKey,
  prismaUniqueTarget,
} from "./entities";
import { fingerprintOf, normalizeMessage } from "./fingerprint";

describe("entity extraction", () => {
  it("reads one and several key columns", () => {
    expect(entitiesFromPgKeyDetail("Key (id)=(42) already exists.")).toEqual([{ type: "id", value: "42" }]);
    expect(entitiesFromPgKeyDetail("Key (tenant, email)=(7, a@b.c) already exists.")).toEqual([
      { type: "tenant", value: "7" },
      { type: "email", value: "a@b.c" },
    ]);
    expect(entitiesFromPgKeyDetail("something else")).toEqual([]);
  });
  it("names the constraint", () => {
    expect(constraintFromMessage('duplicate key value violates unique constraint "s_key"')).toBe("s_key");
  });
});

describe("fingerprint", () => {
  it("ignores what varies between occurrences", () => {
    const a = normalizeMessage("process 812 still waiting for ShareLock on transaction 7731 after 1000.123 ms");
    const b = normalizeMessage("process 99 still waiting for ShareLock on transaction 12 after 5.5 ms");
    expect(a).toBe(b);
    expect(normalizeMessage("user '5f0c2a1e-1111-4222-8333-444455556666' x")).toBe("user '?' x");
    expect(fingerprintOf("k", a)).toBe(fingerprintOf("k", b));
    expect(fingerprintOf("k", a)).not.toBe(fingerprintOf("other", a));
  });
});

describe("lock entities", () => {
  it("decodes advisory lock tags to the key the application passed", () => {
    expect(decodeAdvisoryLock("[16384,0,42,1]")).toEqual({ key: "42", form: "bigint", database: "16384" });
    // pg_advisory_lock(-1): classid and objid are the two halves of 0xFFFFFFFFFFFFFFFF.
    expect(decodeAdvisoryLock("[5,4294967295,4294967295,1]")?.key).toBe("-1");
    expect(decodeAdvisoryLock("[5,1,0,1]")?.key).toBe("4294967296");
    expect(decodeAdvisoryLock("[5,7,9,2]")).toEqual({ key: "7,9", form: "int4pair", database: "5" });
    expect(decodeAdvisoryLock("[5,4294967293,9,2]")?.key).toBe("-3,9");
    expect(decodeAdvisoryLock("[5,x]")).toBeNull();
  });
  it("reads waiter, holders and queue", () => {
    expect(parseLockWait("process 12 still waiting for ShareLock on transaction 7 after 1000.1 ms")).toMatchObject({
      waiter: "12",
      mode: "ShareLock",
      target: "transaction 7",
    });
    expect(lockWaitPids("Processes holding the lock: 3, 4. Wait queue: 12, 13.")).toEqual([
      { type: "pid", value: "3", role: "holder" },
      { type: "pid", value: "4", role: "holder" },
      { type: "pid", value: "12", role: "waiter" },
      { type: "pid", value: "13", role: "waiter" },
    ]);
  });
});

describe("duplicate-key entities", () => {
  it("reads E11000 with compound keys, ObjectIds and the pre-4.2 form", () => {
    expect(
      parseMongoDupKey('E11000 duplicate key error collection: app.users index: tenant_1_email_1 dup key: { tenant: 7, email: "a, b@c.d" }')?.entities,
    ).toEqual([
      { type: "collection", value: "app.users" },
      { type: "index", value: "tenant_1_email_1" },
      { type: "tenant", value: "7" },
      { type: "email", value: "a, b@c.d" },
    ]);
    expect(
      parseMongoDupKey("E11000 duplicate key error collection: app.c index: _id_ dup key: { _id: ObjectId('5f0c2a1e0000000000000001') }")?.entities.at(-1),
    ).toEqual({ type: "_id", value: "5f0c2a1e0000000000000001" });
    expect(parseMongoDupKey('E11000 duplicate key error collection: app.c index: email_1 dup key: { : "x" }')?.entities.at(-1)).toEqual({
      type: "email",
      value: "x",
    });
    expect(prismaUniqueTarget("Unique constraint failed on the fields: (`tenantId`,`email`)")).toBe("tenantId,email");
  });
  it("reads configured JSON fields, nested, and `user: {id}`", () => {
    expect(
      entitiesFromJson({ req: { id: 1, headers: { requestId: "r" } }, user: { id: 5, name: "x" }, messageId: "" }, ["requestId", "user", "messageId"]),
    ).toEqual([
      { type: "requestId", value: "r" },
      { type: "user", value: "5" },
    ]);
  });
});
