import { describe, expect, it } from "vitest";
import { getJobsSwitch } from "./jobs-switch";

describe("LOCKBOARD_JOBS", () => {
  it("runs the jobs when unset or on, and not when off", () => {
    expect(getJobsSwitch({})).toEqual({ on: true });
    expect(getJobsSwitch({ LOCKBOARD_JOBS: "" })).toEqual({ on: true });
    expect(getJobsSwitch({ LOCKBOARD_JOBS: " On " })).toEqual({ on: true });
    expect(getJobsSwitch({ LOCKBOARD_JOBS: "off" })).toEqual({ on: false });
    expect(getJobsSwitch({ LOCKBOARD_JOBS: "OFF" })).toEqual({ on: false });
  });

  it("keeps the jobs off and names the variable for a value it does not know", () => {
    const r = getJobsSwitch({ LOCKBOARD_JOBS: "false" });
    expect(r.on).toBe(false);
    expect(r.error).toMatch(/LOCKBOARD_JOBS must be "on" or "off", not "false"/);
  });
});
