import { describe, expect, it } from "vitest";
import { formatAxisMs, formatClock, formatMs } from "./format";

describe("formatMs", () => {
  it("picks a unit an operator reads at a glance", () => {
    expect([null, 850, 12_345, 245_000, 7_800_000].map(formatMs)).toEqual(["—", "850 ms", "12.3 s", "4m 05s", "2h 10m"]);
  });
});

describe("formatAxisMs", () => {
  it("labels a wait axis in ms, s, min or h with two significant digits at most", () => {
    expect([0, 9.5, 0.4, 250, 999, 1_000, 1_540, 45_000, 59_999, 120_000, 5_400_000].map(formatAxisMs)).toEqual([
      "0",
      "9.5 ms",
      "0.4 ms",
      "250 ms",
      "1 s",
      "1 s",
      "1.5 s",
      "45 s",
      "1 min",
      "2 min",
      "1.5 h",
    ]);
  });
  it("never prints a fraction of a second with four decimals", () => {
    for (const ms of [9.5, 12.345, 0.123, 3.3, 9_500]) expect(formatAxisMs(ms)).toMatch(/^\d+(\.\d)? m?s$/);
  });
  it("reads nonsense as zero instead of NaN", () => {
    expect([-5, Number.NaN, Number.POSITIVE_INFINITY].map(formatAxisMs)).toEqual(["0", "0", "0"]);
  });
});

describe("formatClock", () => {
  it("shows a 24-hour time today and the date on other days", () => {
    const now = new Date(2026, 11, 1, 12, 0, 0);
    expect(formatClock(new Date(2026, 11, 1, 9, 37, 2).getTime(), now)).toMatch(/^09:37:02$/);
    expect(formatClock(new Date(2026, 10, 30, 23, 5, 9).getTime(), now)).toMatch(/2026.*23:05:09$/);
  });
});
