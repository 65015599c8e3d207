import { describe, expect, it } from "vitest";
import { advisoryMappingFromEnv } from "./advisory-mapping";

describe("LOCKBOARD_ENTITY_ADVISORY_KEYS", () => {
  it("reads hash and class id per entity type", () => {
    expect(advisoryMappingFromEnv({ LOCKBOARD_ENTITY_ADVISORY_KEYS: '{"userId":{},"s":{"hash":"hashtext","classId":7}}' })).toEqual({
      userId: { hash: "none" },
      s: { hash: "hashtext", classId: 7 },
    });
  });
  it("ignores a bad value (and says so) rather than failing every timeline", () => {
    expect(advisoryMappingFromEnv({ LOCKBOARD_ENTITY_ADVISORY_KEYS: '{"userId":{"hash":"md5"}}' })).toEqual({});
    expect(advisoryMappingFromEnv({ LOCKBOARD_ENTITY_ADVISORY_KEYS: "{" })).toEqual({});
    expect(advisoryMappingFromEnv({})).toEqual({});
  });
});
