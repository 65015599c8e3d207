import "server-only";
import { maskSecretsIn } from "../sources/secret-box";
import { loadConfiguredSources } from "../sources/source-registry";
import type { PrismaClient } from "../store/generated/client";
import { getPrisma } from "../store/prisma";
import { getInstanceIdentity } from "../fleet/instance";
import { startInstanceHeartbeat } from "../fleet/instance-heartbeat";
import { heartbeatPeriodMs } from "../fleet/leased-job";
import { startLeasedJobs } from "../fleet/run-leased-jobs";
import { BACKGROUND_JOBS } from "./job-list";
import { getJobsSwitch } from "./jobs-switch";
import { stopBeforeExit } from "./stop-on-signal";

// On globalThis, not in this module: dev mode may call register() again with fresh module copies.
const STARTED = Symbol.for("lockboard.serverJobsStarted");
const SOURCES_RETRY_MS = 5_000;
const STOP_GRACE_MS = 5_000;

const log = (msg: string) => console.error(msg);

/**
 * Starts, once per server process, what a running dashboard keeps doing on its own: the sources
 * from LOCKBOARD_SOURCES, this instance's heartbeat, then every background job (samplers, log
 * tailer, failed-write retries), each for the sources whose lease this instance holds: several
 * instances on one store share the work (lib/fleet). Returns at once; nothing here delays the first request.
 */
export function startServerJobs(env: Record<string, string | undefined> = process.env): void {
  const holder = globalThis as { [STARTED]?: true };
  if (holder[STARTED]) return;
  holder[STARTED] = true;
  const jobsSwitch = getJobsSwitch(env);
  if (jobsSwitch.error) log(`[lockboard] background jobs not started: ${jobsSwitch.error}`);
  else if (!jobsSwitch.on) log("[lockboard] background jobs off in this process (LOCKBOARD_JOBS=off)");
  if (!env.DATABASE_URL) {
    log("[lockboard] background jobs not started: DATABASE_URL is not set (the dashboard's store)");
    return;
  }
  const prisma = getPrisma();
  const controller = new AbortController();
  const sources = loadSourcesUntilDone(prisma, env, controller.signal);
  const me = getInstanceIdentity(env);
  const heartbeat = startInstanceHeartbeat(prisma, me, jobsSwitch.on, log, jobsSwitch.on ? heartbeatPeriodMs(BACKGROUND_JOBS) : undefined);
  const jobs = jobsSwitch.on ? startLeasedJobs(prisma, me.id, BACKGROUND_JOBS, log) : null;
  if (jobs) log(`[lockboard] background jobs started: ${BACKGROUND_JOBS.map((j) => j.name).join(", ")} (instance ${me.id})`);
  stopBeforeExit(
    async () => {
      controller.abort();
      // Leases are handed back once the runs in flight are done: the next instance takes over at its next poll.
      await Promise.all([sources, jobs?.stop()]);
      await heartbeat.stop();
    },
    STOP_GRACE_MS,
    log,
  );
}

/** Retries while the store is unreachable at start-up, logging each different failure once. */
async function loadSourcesUntilDone(prisma: PrismaClient, env: Record<string, string | undefined>, signal: AbortSignal): Promise<void> {
  if (!env.LOCKBOARD_SOURCES && !env.LOCKBOARD_SOURCES_FILE) return;
  let lastError = "";
  while (!signal.aborted) {
    try {
      const loaded = await loadConfiguredSources(prisma, env);
      log(`[lockboard] sources from the environment: ${loaded.map((s) => `${s.name} (${s.kind})`).join(", ") || "none"}`);
      return;
    } catch (err) {
      const msg = maskSecretsIn((err as Error).message);
      if (msg !== lastError) log(`[lockboard] sources from the environment not loaded yet (retrying every ${SOURCES_RETRY_MS / 1000} s): ${msg}`);
      lastError = msg;
    }
    await new Promise<void>((r) => {
      const t = setTimeout(r, SOURCES_RETRY_MS);
      signal.addEventListener("abort", () => (clearTimeout(t), r()), { once: true });
    });
  }
}
