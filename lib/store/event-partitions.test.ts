import { describe, expect, it } from "vitest";
import { cutoffOf, retentionFromEnv, utcDay } from "./event-partitions";

describe("retention settings", () => {
  it("defaults to 14 days of events and 3 of noise", () => {
    expect(retentionFromEnv({})).toEqual({ signal: 14, noise: 3 });
    expect(retentionFromEnv({ LOCKBOARD_EVENT_RETENTION_DAYS: "", LOCKBOARD_NOISE_RETENTION_DAYS: "" })).toEqual({ signal: 14, noise: 3 });
  });

  it("keeps noise no longer than the events it sits among", () => {
    expect(retentionFromEnv({ LOCKBOARD_EVENT_RETENTION_DAYS: "2", LOCKBOARD_NOISE_RETENTION_DAYS: "7" })).toEqual({ signal: 2, noise: 2 });
    expect(retentionFromEnv({ LOCKBOARD_EVENT_RETENTION_DAYS: "30", LOCKBOARD_NOISE_RETENTION_DAYS: "1" })).toEqual({ signal: 30, noise: 1 });
  });

  it.each(["0", "-1", "1.5", "two", "3651", "1e3"])("refuses %j with a message naming the variable", (v) => {
    expect(() => retentionFromEnv({ LOCKBOARD_EVENT_RETENTION_DAYS: v })).toThrow(
      /^LOCKBOARD_EVENT_RETENTION_DAYS must be a whole number of days from 1 to 3650/,
    );
    expect(() => retentionFromEnv({ LOCKBOARD_NOISE_RETENTION_DAYS: v })).toThrow(/^LOCKBOARD_NOISE_RETENTION_DAYS/);
  });
});

describe("the first day kept", () => {
  const at = (iso: string) => Date.parse(iso);
  it("is whole UTC days: N days kept means today and the N - 1 before it", () => {
    expect(new Date(cutoffOf(at("2026-12-01T23:59:59Z"), 14)).toISOString()).toBe("2026-11-18T00:00:00.000Z");
    expect(new Date(cutoffOf(at("2026-12-02T00:00:00Z"), 14)).toISOString()).toBe("2026-11-19T00:00:00.000Z");
    expect(new Date(cutoffOf(at("2026-12-01T12:00:00Z"), 1)).toISOString()).toBe("2026-12-01T00:00:00.000Z");
  });
  it("a UTC day starts at midnight UTC whatever the time within it", () => {
    expect(utcDay(at("2026-12-01T00:00:00Z"))).toBe(utcDay(at("2026-12-01T23:59:59.999Z")));
    expect(utcDay(at("2026-12-01T23:59:59.999Z")) + 1).toBe(at("2026-12-02T00:00:00Z") - 86_400_000 + 1);
  });
});
