import "server-only";
import type { PrismaClient } from "../store/generated/client";
import { beatInstance, HEARTBEAT_MS, markInstanceStopped, type InstanceIdentity } from "./instance";

/**
 * Keeps this instance's row fresh while the process runs (jobs on or off: a read-only instance is
 * part of the fleet the Settings page shows). A store that is away delays the beat, nothing else.
 */
export function startInstanceHeartbeat(
  prisma: PrismaClient,
  me: InstanceIdentity,
  jobs: boolean,
  log: (msg: string) => void,
  periodMs = HEARTBEAT_MS,
): { stop(): Promise<void> } {
  let lastError = "";
  let beating: Promise<void> = Promise.resolve();
  let busy = false;
  const beat = () => {
    // One beat at a time: a slow store must not pile them up.
    if (busy) return;
    busy = true;
    beating = beatInstance(prisma, me, jobs)
      .then(
        () => void (lastError = ""),
        (err) => {
          const msg = (err as Error).message;
          if (msg !== lastError) log(`[lockboard] instance heartbeat failed (retrying every ${periodMs / 1000} s): ${msg}`);
          lastError = msg;
        },
      )
      .finally(() => (busy = false));
  };
  beat();
  const timer = setInterval(beat, periodMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await beating;
      await markInstanceStopped(prisma, me).catch(() => {});
    },
  };
}
