import { describe, expect, it } from "vitest";
import { classifyErrorKind, isTransientError } from "./error-kinds";

describe("classifyErrorKind", () => {
  it.each([
    ['E11000 duplicate key error collection: chat.messages index: messageId_1 dup key: { messageId: "m1" }', "duplicate_key"],
    ['duplicate key value violates unique constraint "sessions_pkey" (23505)', "duplicate_key"],
    ["Resource busy", "resource_busy"],
    ["upstream answered 429 Too Many Requests", "resource_busy"],
    ["canceling statement due to lock timeout", "lock_timeout"],
    ["gave up waiting for lock on metadata", "lock_timeout"],
    ["deadlock detected", "deadlock"],
    ["could not serialize access due to concurrent update", "serialization"],
    ["connect ECONNREFUSED 127.0.0.1:5432", "connection"],
    ["sorry, too many clients already", "connection"],
    ['column "x" does not exist', "other"],
  ])("%s → %s", (text, kind) => expect(classifyErrorKind(text)).toBe(kind));
});

describe("isTransientError", () => {
  it("retries lock, deadlock, serialization and connection failures", () => {
    for (const code of ["55P03", "40P01", "40001", "53300", "08006", "ECONNREFUSED"])
      expect(isTransientError(Object.assign(new Error("x"), { code }))).toBe(true);
    expect(isTransientError(Object.assign(new Error("x"), { name: "MongoServerSelectionError" }))).toBe(true);
    expect(isTransientError(new AggregateError([Object.assign(new Error("refused"), { code: "ECONNREFUSED" })]))).toBe(true);
  });
  it("does not retry permanent failures", () => {
    for (const code of ["42P01", "23502", "22P02", 11000, 2]) expect(isTransientError(Object.assign(new Error("x"), { code }))).toBe(false);
  });
});
