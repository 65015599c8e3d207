import { describe, expect, it } from "vitest";
import { formatMs } from "./format";

describe("formatMs", () => {
  it("picks a unit an operator reads at a glance", () => {
    expect([null, 850, 12_345, 245_000, 7_800_000].map(formatMs)).toEqual(["—", "850 ms", "12.3 s", "4m 05s", "2h 10m"]);
  });
});
