import { describe, expect, it } from "vitest";
import { CapacityQuerySchema } from "@/lib/capacity/get-capacity-overview";
import { IncidentDetailQuerySchema, ListIncidentsQuerySchema } from "@/lib/incidents/incident-query";
import { OverviewQuerySchema } from "@/lib/overview/get-overview";
import { CAPACITY_RANGES, INCIDENT_DETAIL_RANGES, INCIDENT_LIST_RANGES, OVERVIEW_RANGES, RANGE_MS, rangeOr } from "./time-ranges";

describe("time ranges", () => {
  it("a page keeps a range it offers and falls back on anything else", () => {
    expect(rangeOr(CAPACITY_RANGES, "15m", "1h")).toBe("15m");
    for (const junk of [undefined, "", "7d", "1H", "all"]) expect(rangeOr(CAPACITY_RANGES, junk, "1h")).toBe("1h");
  });
  it("each API accepts exactly what its page offers", () => {
    const accepted = (parse: (range: string) => boolean) => Object.keys(RANGE_MS).filter(parse);
    expect(accepted((range) => OverviewQuerySchema.safeParse({ range }).success)).toEqual([...OVERVIEW_RANGES]);
    expect(accepted((range) => CapacityQuerySchema.safeParse({ range }).success)).toEqual([...CAPACITY_RANGES]);
    expect(accepted((range) => ListIncidentsQuerySchema.safeParse({ range }).success)).toEqual([...INCIDENT_LIST_RANGES]);
    expect(accepted((range) => IncidentDetailQuerySchema.safeParse({ range }).success)).toEqual([...INCIDENT_DETAIL_RANGES]);
  });
});

describe("fitting a range to the data's age", () => {
  it("rounds up to the next preset, or none past the largest", async () => {
    const { fitRange, INCIDENT_FIT_RANGES, OVERVIEW_FIT_RANGES } = await import("./time-ranges");
    const min = 60_000;
    expect(fitRange(INCIDENT_FIT_RANGES, 2 * min)).toBe("1h");
    expect(fitRange(INCIDENT_FIT_RANGES, 60 * min)).toBe("1h");
    expect(fitRange(INCIDENT_FIT_RANGES, 61 * min)).toBe("6h");
    expect(fitRange(INCIDENT_FIT_RANGES, 7 * 60 * min)).toBe("24h");
    expect(fitRange(INCIDENT_FIT_RANGES, 3 * 1440 * min)).toBe("7d");
    expect(fitRange(INCIDENT_FIT_RANGES, 8 * 1440 * min)).toBeNull();
    expect(fitRange(OVERVIEW_FIT_RANGES, 4 * min)).toBe("15m");
    expect(fitRange(OVERVIEW_FIT_RANGES, 20 * min)).toBe("1h");
  });
});
