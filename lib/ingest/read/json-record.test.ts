import { describe, expect, it } from "vitest";
import { jsonDepthExceeds, stringifyBounded, timeOf, validTime } from "./json-record";
import { recordFromOtlp } from "./otlp-logs";

const deep = (n: number) => JSON.parse(`${"[".repeat(n)}1${"]".repeat(n)}`);

describe("one gate for times", () => {
  it("turns any time value into a Date the store accepts, or no time", () => {
    expect(timeOf(1795410000000)?.toISOString()).toBe("2026-11-23T05:00:00.000Z");
    expect(timeOf(1795410000)?.toISOString()).toBe("2026-11-23T05:00:00.000Z");
    for (const bad of [1e300, -8e12, Infinity, Number.NaN, "year 99999", "-200000-01-01T00:00:00Z", { $date: { $numberLong: "1e17" } }, { $date: "x" }]) {
      expect(timeOf(bad), JSON.stringify(bad)).toBeNull();
    }
    expect(validTime(new Date(8.64e15))).toBeNull();
    expect(validTime(new Date("0001-01-01T00:00:00Z"))).not.toBeNull();
  });

  it("OTLP nanoseconds: fractional, huge or past year 9999 give no time, never a throw", () => {
    const rec = (timeUnixNano: string | number) => recordFromOtlp({ timeUnixNano, body: { stringValue: "x" } }, {}, "{}").time;
    expect(rec("1795410000000000000")?.toISOString()).toBe("2026-11-23T05:00:00.000Z");
    expect(rec(1.5e18)?.toISOString()).toBe("2017-07-14T02:40:00.000Z");
    expect(rec(1.5)).toBeNull();
    expect(rec(1e300)).toBeNull();
    expect(rec("99999999999999999999999999")).toBeNull();
    expect(rec("253402300800000000000")).toBeNull(); // year 10000
  });
});

describe("depth-bounded JSON", () => {
  it("tells a value nested past the bound without recursing, and writes it with the deep part cut", () => {
    expect(jsonDepthExceeds(deep(100))).toBe(false);
    expect(jsonDepthExceeds(deep(101))).toBe(true);
    const v = deep(200_000);
    expect(jsonDepthExceeds(v)).toBe(true);
    const text = stringifyBounded({ msg: "m", payload: v });
    expect(text.startsWith('{"msg":"m","payload":[[')).toBe(true);
    expect(text).toContain("nested deeper than 100 levels");
  });
});
