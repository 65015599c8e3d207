import { describe, expect, it } from "vitest";
import { constraintFromMessage, entitiesFromPgKeyDetail } from "./entities";
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
