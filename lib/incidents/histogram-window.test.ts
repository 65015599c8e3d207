import { describe, expect, it } from "vitest";
import { histogramWindow } from "./get-incident";

const now = new Date("2026-12-01T12:00:00Z");
const ago = (ms: number) => new Date(now.getTime() - ms);
const MIN = 60_000;
const H = 60 * MIN;

describe("an incident's histogram window", () => {
  it("with no range asked for, covers the incident's age rounded up to 1h/6h/24h/7d, ending now while live", () => {
    const w = histogramWindow({}, { firstSeen: ago(2 * MIN), lastSeen: ago(10_000) }, now);
    expect(w).toMatchObject({ range: "1h", fitted: true, to: now });
    expect(now.getTime() - w.from.getTime()).toBe(H);
    expect(histogramWindow({}, { firstSeen: ago(3 * H), lastSeen: ago(MIN) }, now).range).toBe("6h");
    expect(histogramWindow({}, { firstSeen: ago(20 * H), lastSeen: ago(10 * H) }, now).range).toBe("24h");
    expect(histogramWindow({}, { firstSeen: ago(50 * H), lastSeen: ago(MIN) }, now).range).toBe("7d");
  });
  it("older than a week it shows the incident's whole life", () => {
    const w = histogramWindow({}, { firstSeen: ago(30 * 24 * H), lastSeen: ago(30 * 24 * H - 2 * MIN) }, now);
    expect(w.range).toBe("all");
    expect(w.to.getTime() - w.from.getTime()).toBeLessThan(10 * MIN);
  });
  it("a preset asked for wins, and a custom window is taken as is", () => {
    expect(histogramWindow({ range: "24h" }, { firstSeen: ago(2 * MIN), lastSeen: ago(MIN) }, now)).toMatchObject({ range: "24h", fitted: false });
    const w = histogramWindow({ from: "2026-12-01T11:00:00Z", to: "2026-12-01T11:05:00Z" }, { firstSeen: ago(2 * MIN), lastSeen: ago(MIN) }, now);
    expect(w).toMatchObject({ range: null, fitted: false, from: new Date("2026-12-01T11:00:00Z"), to: new Date("2026-12-01T11:05:00Z") });
  });
});
