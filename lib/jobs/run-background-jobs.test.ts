import { describe, expect, it } from "vitest";
import type { PrismaClient } from "../store/generated/client";
import { startBackgroundJobs } from "./run-background-jobs";

describe("background jobs", () => {
  it("never overlaps a job with itself and keeps others running when one fails", async () => {
    let active = 0;
    let maxActive = 0;
    let slowRuns = 0;
    let failing = 0;
    const logs: string[] = [];
    const runner = startBackgroundJobs(
      {} as PrismaClient,
      [
        {
          name: "slow",
          intervalMs: () => 5,
          run: async () => {
            active++;
            maxActive = Math.max(maxActive, active);
            slowRuns++;
            await new Promise((r) => setTimeout(r, 30));
            active--;
          },
        },
        {
          name: "broken",
          intervalMs: () => 5,
          run: async () => {
            failing++;
            throw new Error("boom");
          },
        },
      ],
      (m) => logs.push(m),
    );
    await new Promise((r) => setTimeout(r, 120));
    await runner.stop();
    expect(maxActive).toBe(1);
    expect(slowRuns).toBeGreaterThan(1);
    expect(failing).toBeGreaterThan(3);
    // One log line for a failure that repeats unchanged.
    expect(logs.filter((l) => l.includes("boom"))).toHaveLength(1);
  });
});
