import { describe, expect, it } from "vitest";
import { captureKeyOf, describeIssue, FailedWriteBatchSchema, FailedWriteInputSchema, isFailedWriteBatch, keyHashOf } from "./failed-write-input";
import { failedWriteFromEventFields, FailedWriteMappingSchema } from "./from-log-event";

const valid = {
  source: "app-mongo",
  namespace: "LibreChat.messages",
  operation: "insert",
  key: { messageId: "m1" },
  document: { messageId: "m1", text: "hi" },
  error: "E11000 duplicate key error",
  occurredAt: "2026-11-23T04:00:00Z",
};

const issue = (input: unknown) => {
  const r = FailedWriteInputSchema.safeParse(input);
  return r.success ? null : describeIssue(r.error);
};

describe("FailedWriteInputSchema", () => {
  it("accepts a complete submission", () => expect(issue(valid)).toBeNull());
  it("names the field that is wrong", () => {
    expect(issue({ ...valid, key: {} })).toContain('"key"');
    expect(issue({ ...valid, namespace: "messages" })).toContain('"namespace"');
    expect(issue({ ...valid, occurredAt: "yesterday" })).toContain('"occurredAt"');
    expect(issue({ ...valid, document: undefined })).toContain('"document"');
    expect(issue({ ...valid, document: { messageId: "other" } })).toContain('"document.messageId"');
    expect(issue({ ...valid, operation: "update", document: undefined, update: { $inc: { n: 1 } } })).toContain('"update.$inc"');
    expect(issue({ ...valid, operation: "update", document: undefined, update: { $set: { n: 1 } } })).toBeNull();
  });
  it("hashes keys and captures independent of field order", () => {
    expect(keyHashOf("a.b", { x: 1, y: 2 })).toBe(keyHashOf("a.b", { y: 2, x: 1 }));
    const a = FailedWriteInputSchema.parse(valid);
    const b = FailedWriteInputSchema.parse({ ...valid, document: { text: "hi", messageId: "m1" } });
    expect(captureKeyOf(1, a)).toBe(captureKeyOf(1, b));
    expect(captureKeyOf(1, a)).not.toBe(captureKeyOf(1, { ...a, occurredAt: "2026-11-23T04:00:01Z" }));
  });
});

describe("FailedWriteBatchSchema", () => {
  const batchIssue = (input: unknown) => {
    const r = FailedWriteBatchSchema.safeParse(input);
    return r.success ? null : describeIssue(r.error);
  };
  it("tells a batch from one write by its writes key", () => {
    expect(isFailedWriteBatch({ writes: [] })).toBe(true);
    expect(isFailedWriteBatch(valid)).toBe(false);
    expect(isFailedWriteBatch([valid])).toBe(false);
    expect(isFailedWriteBatch(null)).toBe(false);
  });
  it("checks the envelope only: 1 to 1000 writes, each left for capture to judge", () => {
    expect(batchIssue({ writes: [valid, { junk: true }] })).toBeNull();
    for (const writes of [[], Array(1001).fill(valid), "x", { 0: valid }]) expect(batchIssue({ writes })).toBe('invalid field "writes": send 1 to 1000 writes');
  });
});

describe("failedWriteFromEventFields", () => {
  const mapping = FailedWriteMappingSchema.parse({
    when: "failedWrite",
    source: { value: "app-mongo" },
    namespace: "write.ns",
    key: { messageId: "write.doc.messageId" },
    document: "write.doc",
    error: "err.message",
  });
  it("maps an app-log event's fields to a submission", () => {
    const fields = { failedWrite: true, write: { ns: "LibreChat.messages", doc: { messageId: "m1", text: "hi" } }, err: { message: "E11000" } };
    const at = new Date("2026-11-23T04:00:00Z");
    const out = failedWriteFromEventFields(fields, mapping, at);
    expect(out).toEqual({
      source: "app-mongo",
      namespace: "LibreChat.messages",
      operation: "insert",
      key: { messageId: "m1" },
      document: fields.write.doc,
      error: "E11000",
      occurredAt: at.toISOString(),
    });
    expect(FailedWriteInputSchema.safeParse(out).success).toBe(true);
  });
  it("skips events that carry no write", () => {
    expect(failedWriteFromEventFields({ write: {} }, mapping, new Date())).toBeNull();
  });
});
