import { describe, expect, it } from "vitest";
import { collapseMarkers, eventSourceNames } from "./event-markers";
import { fitTrend, forecastExhaustion, FORECAST_RULE } from "./forecast";

/** One sample every 5 s over the last 15 minutes (x in seconds before now, the last at x = 0). */
const window = (f: (x: number, i: number) => number, limit: number) =>
  Array.from({ length: 181 }, (_, i) => {
    const x = -900 + i * 5;
    const v = f(x, i);
    return { x, v, ratio: v / limit };
  });

const forecast = (points: ReturnType<typeof window>, limit: number) =>
  forecastExhaustion({ value: points[points.length - 1]!.v, limit, trend: fitTrend(points) });

describe("time-to-exhaustion forecast", () => {
  it("projects a steady rise below the limit", () => {
    // 10 → 55 over 15 min: 0.05 per second, 45 left to 100 → 900 s.
    const rising = window((x) => 55 + x * 0.05, 100);
    expect(forecast(rising, 100)).toBeCloseTo(900, 3);
    // A noisy but sustained rise still counts.
    const noisy = window((x, i) => 55 + x * 0.05 + (i % 2 ? 2 : -2), 100);
    expect(forecast(noisy, 100)).toBeGreaterThan(800);
  });

  it("says nothing for a process at or over its limit (it is saturated, not 'full in ~35 min')", () => {
    const over = window((x) => 66 + x * 0.002, 64); // 102 % and creeping
    expect(forecast(over, 64)).toBeNull();
    const atLimit = window((x) => 64 + x * 0.01, 64);
    expect(forecast(atLimit, 64)).toBeNull();
  });

  it("says nothing once the window touched the limit, even if the last reading is lower", () => {
    const sawtooth = window((x, i) => (i === 180 ? 60 : 20 + (x + 900) * 0.05), 64); // hit 64+ and dropped back
    expect(fitTrend(sawtooth).peakRatio!).toBeGreaterThanOrEqual(1);
    expect(forecast(sawtooth, 64)).toBeNull();
  });

  it("says nothing for a source that only just started (its ramp-up is no sustained trend)", () => {
    // The dashboard's own descriptors rising from 20 to 50 of 20 000 over its first 5 minutes: "full in ~13 h".
    const rampUp = window((x) => 50 + x * 0.1, 20_000).filter((p) => p.x >= -300);
    expect(fitTrend(rampUp).r2).toBeCloseTo(1, 6);
    expect(forecast(rampUp, 20_000)).toBeNull();
    // The same start-up against a limit of 200 is no forecast either until it has risen for 10 minutes.
    expect(
      forecast(
        window((x) => 50 + x * 0.1, 200).filter((p) => p.x >= -300),
        200,
      ),
    ).toBeNull();
    expect(
      forecast(
        window((x) => 50 + x * 0.1, 200).filter((p) => p.x >= -FORECAST_RULE.minSpanSeconds),
        200,
      ),
    ).toBeCloseTo(1500, 3);
  });

  it("says nothing for an idle source whose count wobbles ('full in ~27 h')", () => {
    // 3 or 4 connections of 100, slightly more 4s lately: a positive slope, a poor fit.
    const idle = window((_, i) => (i % 3 === 0 || i > 150 ? 4 : 3), 100);
    const t = fitTrend(idle);
    expect(t.slope!).toBeGreaterThan(0);
    expect(t.r2!).toBeLessThan(FORECAST_RULE.minR2);
    expect(forecast(idle, 100)).toBeNull();
    // A clean but tiny rise (under one connection in 15 min) is no trend either.
    expect(
      forecast(
        window((x) => 5 + x * 0.0005, 100),
        100,
      ),
    ).toBeNull();
  });

  it("says nothing past the 24 h horizon, with too few samples, or on a flat or falling line", () => {
    // 1 per 15 min toward 10 000: about 6 days.
    expect(
      forecast(
        window((x) => 100 + (x / 900) * 2, 10_000),
        10_000,
      ),
    ).toBeNull();
    const rising = window((x) => 55 + x * 0.05, 100);
    const sparse = rising.filter((_, i) => i % 20 === 0); // one sample a minute and 40 s: 10 samples over 15 min
    expect(forecast(sparse, 100)).not.toBeNull();
    expect(forecast(sparse.slice(1), 100)).toBeNull();
    expect(
      forecast(
        window(() => 40, 100),
        100,
      ),
    ).toBeNull();
    expect(
      forecast(
        window((x) => 40 - x * 0.05, 100),
        100,
      ),
    ).toBeNull();
    expect(forecastExhaustion({ value: 5, limit: null, trend: fitTrend(rising) })).toBeNull();
  });
});

describe("event markers", () => {
  it("collapses close events into one band with a count, keeps distant ones apart", () => {
    const b = (t: number, count = 1, kind = "fd_exhaustion") => ({ t, last: t + 500, kind, count });
    const bands = collapseMarkers([b(10_000, 2), b(2_000), b(4_000, 1, "pool_timeout"), b(100_000)], 6_000);
    expect(bands).toEqual([
      { from: 2_000, to: 10_500, count: 4, kinds: { fd_exhaustion: 3, pool_timeout: 1 } },
      { from: 100_000, to: 100_500, count: 1, kinds: { fd_exhaustion: 1 } },
    ]);
    expect(collapseMarkers([], 5_000)).toEqual([]);
  });

  it("reads the log sources a capacity source names, ignoring junk", () => {
    expect(eventSourceNames({ eventSources: ["model-server", 3, ""] })).toEqual(["model-server"]);
    expect(eventSourceNames({ eventSources: "model-server" })).toEqual(["model-server"]);
    expect(eventSourceNames({})).toEqual([]);
  });
});
