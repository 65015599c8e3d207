import { describe, expect, it } from "vitest";
import { diffRecord, sameValue } from "./compare-record";

describe("sameValue", () => {
  it("matches the representations drivers return", () => {
    expect(sameValue("2026-11-23T04:00:00.000Z", new Date("2026-11-23T04:00:00Z"))).toBe(true);
    expect(sameValue(12, "12")).toBe(true); // numeric / bigint columns come back as strings
    expect(sameValue({ b: 1, a: [1, 2] }, { a: [1, 2], b: 1 })).toBe(true);
    expect(sameValue(null, undefined)).toBe(true);
    expect(sameValue("x", "y")).toBe(false);
    expect(sameValue(12, "13")).toBe(false);
  });
});

describe("diffRecord", () => {
  it("compares only the write's own fields and lists unset ones still present", () => {
    const diff = diffRecord({ text: "hi", n: 1 }, { id: 9, text: "edited", n: 1, flag: true }, ["flag"]);
    expect(diff).toEqual([
      { field: "text", expected: "hi", actual: "edited" },
      { field: "flag", expected: null, actual: true },
    ]);
  });
});
