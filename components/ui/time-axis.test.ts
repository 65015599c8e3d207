import { describe, expect, it } from "vitest";
import { timeTick } from "./time-axis";

const colons = (s: string) => s.split(":").length - 1;
const t = Date.UTC(2026, 10, 23, 4, 57, 23);

describe("timeTick", () => {
  it("is as fine as the span needs", () => {
    expect(colons(timeTick(t, 5 * 60_000))).toBe(2); // seconds under ten minutes
    expect(colons(timeTick(t, 3_600_000))).toBe(1); // minutes within a day
    expect(colons(timeTick(t, 30 * 3_600_000))).toBe(0); // day and hour past a day
    expect(timeTick(t, 7 * 86_400_000)).not.toMatch(/\d{1,2}:\d{2}/); // dates past two days
    expect(timeTick(t, 7 * 86_400_000)).not.toBe(timeTick(t, 30 * 3_600_000));
  });
});
