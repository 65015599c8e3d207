import "server-only";
import type { PrismaClient } from "../store/generated/client";
import type { BackgroundJob } from "./background-job";

/**
 * Runs each job on its own timer; a run never overlaps the previous run of the same job, and
 * one slow or failing job never delays another.
 */
export function startBackgroundJobs(
  prisma: PrismaClient,
  jobs: BackgroundJob[],
  log: (msg: string) => void = (m) => console.error(m),
): { stop(): Promise<void> } {
  const controller = new AbortController();
  const running = new Set<Promise<void>>();
  const timers: NodeJS.Timeout[] = [];
  for (const job of jobs) {
    let busy = false;
    let lastError = "";
    const tick = () => {
      if (busy || controller.signal.aborted) return;
      busy = true;
      const p = job
        .run({ prisma, signal: controller.signal })
        .then(() => {
          if (lastError) log(`[lockboard] job ${job.name} recovered`);
          lastError = "";
        })
        .catch((err) => {
          const msg = (err as Error).message ?? String(err);
          // Log a failure once per change, not every few seconds during an outage.
          if (msg !== lastError) log(`[lockboard] job ${job.name} failed: ${msg}`);
          lastError = msg;
        })
        .finally(() => {
          busy = false;
          running.delete(p);
        });
      running.add(p);
    };
    tick();
    timers.push(setInterval(tick, job.intervalMs()));
  }
  return {
    async stop() {
      controller.abort();
      for (const t of timers) clearInterval(t);
      await Promise.allSettled([...running]);
    },
  };
}
