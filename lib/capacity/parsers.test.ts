import { describe, expect, it } from "vitest";
import { parseLimits } from "./proc-fds";
import { parsePrometheusFds } from "./prometheus-fds";
import { levelOf, thresholdsFor } from "./thresholds";

describe("/proc limits", () => {
  it("reads the soft and hard open-files limit", () => {
    const text =
      "Limit                     Soft Limit           Hard Limit           Units\nMax processes             unlimited            unlimited            processes\nMax open files            1024                 524288               files\n";
    expect(parseLimits(text)).toEqual({ soft: 1024, hard: 524288 });
    expect(parseLimits("Max open files unlimited unlimited files")).toEqual({ soft: null, hard: null });
    expect(parseLimits("")).toEqual({ soft: null, hard: null });
  });
});

describe("Prometheus text", () => {
  it("reads the default client-library metrics, with labels, exponents and comments", () => {
    const text = [
      "# HELP process_open_fds Number of open file descriptors.",
      "# TYPE process_open_fds gauge",
      'process_open_fds{app="a"} 12',
      'process_max_fds{app="a"} 1024',
      'process_open_fds{app="b"} 9.5e2',
      'process_max_fds{app="b"} 1e3',
      "process_open_fds_total 99999",
    ].join("\n");
    expect(parsePrometheusFds(text)).toEqual({ open: 950, max: 1000, labels: '{app="b"}' });
  });
  it("returns null without the metric and ignores garbage", () => {
    expect(parsePrometheusFds("garbage\n\u0000\nprocess_open_fds NaNx")).toBeNull();
    expect(parsePrometheusFds("process_open_fds 3")).toEqual({ open: 3, max: null, labels: "" });
  });
});

describe("thresholds", () => {
  it("takes source config over env over defaults, as fractions or percents", () => {
    expect(thresholdsFor({}, {})).toEqual({ warn: 0.8, critical: 0.95 });
    expect(thresholdsFor({}, { LOCKBOARD_CAPACITY_WARN: "70" })).toEqual({ warn: 0.7, critical: 0.95 });
    expect(thresholdsFor({ critical: 0.9 }, { LOCKBOARD_CAPACITY_CRITICAL: "99" })).toEqual({ warn: 0.8, critical: 0.9 });
    expect(levelOf(96, 100, { warn: 0.8, critical: 0.95 })).toBe("critical");
    expect(levelOf(80, 100, { warn: 0.8, critical: 0.95 })).toBe("warn");
    expect(levelOf(5, null, { warn: 0.8, critical: 0.95 })).toBe("unknown");
  });
});
