import { cpus, loadavg } from "node:os";

/** Issue 19's target: a page shows its data within this long of navigation on the demo. Reported, not asserted. */
export const PAGE_TARGET_MS = 500;

/**
 * What a timed spec asserts instead: 3 s, stretched by the run queue per core when the machine
 * has more runnable work than cores (at a load average of 10 on 2 cores, 15 s). It catches a page
 * that stopped showing its data or takes seconds; the printed figure is the measurement.
 */
export const pageBudgetMs = () => Math.round(3_000 * Math.max(1, loadavg()[0]! / cpus().length));

/** "load average 4.1 on 2 cores", for a printed figure. */
export const machineLoad = () => `load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`;
