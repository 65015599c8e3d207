import { describe, expect, it } from "vitest";
import { lastHourStart } from "./last-hour";

describe("lastHourStart", () => {
  it("is the first whole minute at or after an hour ago: the minutes m >= now - 1 h", () => {
    expect(lastHourStart(new Date("2026-12-01T13:00:00.000Z")).toISOString()).toBe("2026-12-01T12:00:00.000Z");
    expect(lastHourStart(new Date("2026-12-01T13:00:00.001Z")).toISOString()).toBe("2026-12-01T12:01:00.000Z");
    expect(lastHourStart(new Date("2026-12-01T13:00:59.999Z")).toISOString()).toBe("2026-12-01T12:01:00.000Z");
    expect(lastHourStart(new Date("2026-12-01T00:30:00.000Z")).toISOString()).toBe("2026-11-30T23:30:00.000Z");
  });
});
