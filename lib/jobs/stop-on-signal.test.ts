import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { stopBeforeExit } from "./stop-on-signal";

const SIGNALS = ["SIGTERM", "SIGINT"] as const;

describe("stopBeforeExit", () => {
  let saved: Record<string, NodeJS.SignalsListener[]> = {};
  beforeEach(() => {
    saved = Object.fromEntries(SIGNALS.map((s) => [s, process.listeners(s)]));
    for (const s of SIGNALS) process.removeAllListeners(s);
  });
  afterEach(() => {
    for (const s of SIGNALS) {
      process.removeAllListeners(s);
      for (const l of saved[s]!) process.on(s, l);
    }
  });

  it("stops the jobs before the handler that exits (Next's) runs, and only once for repeated signals", async () => {
    const order: string[] = [];
    // Stands in for Next's handler, installed before register() runs.
    process.on("SIGTERM", () => void order.push("next:SIGTERM"));
    process.on("SIGINT", () => void order.push("next:SIGINT"));
    let stops = 0;
    stopBeforeExit(
      async () => {
        stops++;
        await new Promise((r) => setTimeout(r, 50));
        order.push("jobs stopped");
      },
      5_000,
      (m) => void order.push(m),
    );
    process.emit("SIGINT");
    process.emit("SIGTERM");
    expect(order).toEqual([]);
    await new Promise((r) => setTimeout(r, 100));
    expect(stops).toBe(1);
    expect(order).toEqual(["jobs stopped", "[lockboard] background jobs stopped", "next:SIGINT", "next:SIGTERM"]);
  });

  it("hands over after the grace period when a job does not stop", async () => {
    const order: string[] = [];
    process.on("SIGTERM", () => void order.push("next:SIGTERM"));
    stopBeforeExit(
      () => new Promise(() => {}),
      30,
      (m) => void order.push(m),
    );
    process.emit("SIGTERM");
    await new Promise((r) => setTimeout(r, 80));
    expect(order).toEqual(["[lockboard] background jobs still running after 30 ms; exiting anyway", "next:SIGTERM"]);
  });
});
