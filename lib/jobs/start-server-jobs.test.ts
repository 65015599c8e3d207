import { afterEach, describe, expect, it, vi } from "vitest";
import { startServerJobs } from "./start-server-jobs";

describe("startServerJobs", () => {
  afterEach(() => vi.restoreAllMocks());

  it("runs once per process however often register() calls it (dev mode calls it again)", () => {
    const logs: string[] = [];
    vi.spyOn(console, "error").mockImplementation((m: string) => void logs.push(m));
    // Without a store it only says why it starts nothing: enough to count the starts.
    startServerJobs({});
    startServerJobs({});
    startServerJobs({ LOCKBOARD_JOBS: "off" });
    expect(logs).toEqual(["[lockboard] background jobs not started: DATABASE_URL is not set (the dashboard's store)"]);
  });
});
