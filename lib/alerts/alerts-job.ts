import "server-only";
import type { BackgroundJob } from "../jobs/background-job";
import { secondsFromEnv } from "../jobs/background-job";
import { maskSecretsIn } from "../sources/secret-box";
import { loadAlertsFile } from "./alerts-file";
import { deliverDue } from "./deliver";
import { evaluateAlerts } from "./evaluate";
import { pruneAlerts } from "./prune";

const PRUNE_EVERY_MS = 3_600_000;

let fileLoaded = false;
let fileError = "";
let prunedAt = 0;

/**
 * Alerts: LOCKBOARD_ALERTS_FILE once (retried on the next pass until it loads), then each pass
 * evaluates the rules into the outbox and sends what is due. Both halves are safe with several
 * instances running: evaluation takes turns on a row lock, sending claims rows SKIP LOCKED.
 */
export const alertsJob: BackgroundJob = {
  name: "alerts",
  intervalMs: () => secondsFromEnv("LOCKBOARD_ALERTS_INTERVAL", 5),
  async run({ prisma, signal }) {
    if (!fileLoaded) {
      // A bad file is said (once per different error) but stops nothing: the rules already stored still alert.
      try {
        const loaded = await loadAlertsFile(prisma);
        fileLoaded = true;
        if (loaded) console.error(`[lockboard] alerts from LOCKBOARD_ALERTS_FILE: ${loaded.destinations} destinations, ${loaded.rules} rules`);
      } catch (err) {
        const msg = maskSecretsIn((err as Error).message);
        if (msg !== fileError) console.error(`[lockboard] alerts: ${msg} (retrying at every pass)`);
        fileError = msg;
      }
    }
    await evaluateAlerts(prisma);
    if (Date.now() - prunedAt > PRUNE_EVERY_MS) {
      await pruneAlerts(prisma, new Date());
      prunedAt = Date.now();
    }
    // Drain what is due in batches, stopping with the job.
    for (let i = 0; i < 10 && !signal.aborted; i++) {
      const r = await deliverDue(prisma);
      if (r.sent + r.failed === 0) break;
    }
  },
};
