// Runs the five scenarios in the background for `npm run demo` (and the e2e server): registers
// where Lockboard reads each one from, follows the apps' own logs into the store, and stops
// everything it started on stop().
import { randomBytes } from "node:crypto";
import { setMaxListeners } from "node:events";
import path from "node:path";
import { followLogFile } from "@/lib/ingest/follow-file";
import { upsertSource } from "@/lib/sources/source-registry";
import type { PrismaClient } from "@/lib/store/generated/client";
import { findFreePort } from "@/lib/store/embedded-server";
import { SCENARIOS } from "./all-scenarios";
import { CHAT_LOG_FAILED_WRITE_MAPPING } from "./message-retry-duplicate";
import type { ScenarioContext } from "./types";

/** The source each app's own log is ingested as. */
export const APP_LOG_SOURCES: Record<string, string> = {
  "metadata-lock": "memory-service",
  "message-retry-duplicate": "librechat-api",
  "storage-busy": "embed-docs",
  "fd-exhaustion": "model-server",
};

/** Log source settings: the chat app's log hands over its failed saves (README "Failed writes → From application logs"). */
const APP_LOG_CONFIG: Record<string, Record<string, unknown>> = {
  "librechat-api": { failedWriteMapping: CHAT_LOG_FAILED_WRITE_MAPPING },
};

/** Seconds between bursts at the demo's gentle rate (a few incidents a minute); LOCKBOARD_SCENARIO_PACE scales them. */
const PACE: Record<string, number> = { "session-race": 20, "metadata-lock": 5, "message-retry-duplicate": 15, "storage-busy": 8, "fd-exhaustion": 40 };

export type DemoScenarioOptions = {
  prisma: PrismaClient;
  pgUrl: string;
  mongoUrl: string;
  mongoSource: string;
  lockboardUrl: string;
  failedWritesToken: string;
  logDir: string;
  only?: string[];
  log?: (m: string) => void;
};

/** A token for the demo apps to hand over failed writes, when the operator configured none. */
export const demoFailedWritesToken = () => process.env.LOCKBOARD_FAILED_WRITES_TOKEN ?? `demo-${randomBytes(18).toString("base64url")}`;

export async function startDemoScenarios(o: DemoScenarioOptions): Promise<{ stop(): Promise<void> }> {
  const log = o.log ?? ((m: string) => console.log(`[scenarios] ${m}`));
  const scale = Number(process.env.LOCKBOARD_SCENARIO_PACE) || 1;
  const controller = new AbortController();
  // Five scenarios and their workers wait on this one signal at once (dozens of sleeps and
  // requests): not a leak, so no MaxListenersExceededWarning at 11.
  setMaxListeners(200, controller.signal);
  const metricsPort = await findFreePort();
  // The model server's EMFILEs arrive in its own log (model-server): they belong on these two charts, no others.
  const eventSources = [APP_LOG_SOURCES["fd-exhaustion"]];
  await upsertSource(o.prisma, { name: "model-server-fds", kind: "process", config: { pattern: "fd_exhaustion.py", eventSources }, demo: true });
  await upsertSource(o.prisma, {
    name: "model-server-metrics",
    kind: "prometheus",
    url: `http://127.0.0.1:${metricsPort}/metrics`,
    config: { eventSources },
    demo: true,
  });

  const running: Promise<unknown>[] = [];
  for (const s of SCENARIOS) {
    if (o.only && !o.only.includes(s.name)) continue;
    const logSource = APP_LOG_SOURCES[s.name];
    if (logSource) {
      const config = APP_LOG_CONFIG[logSource];
      if (config) await upsertSource(o.prisma, { name: logSource, kind: "log", config, demo: true });
      const file = path.join(o.logDir, `${s.name}.log`);
      running.push(
        followLogFile(o.prisma, logSource, file, { signal: controller.signal, pollMs: 500 }).catch((e) =>
          log(`following ${file} stopped: ${(e as Error).message}`),
        ),
      );
    }
    const ctx: ScenarioContext = {
      pgUrl: o.pgUrl,
      mongoUrl: o.mongoUrl,
      logDir: o.logDir,
      lockboard: { url: o.lockboardUrl, failedWritesToken: o.failedWritesToken },
      signal: controller.signal,
      pace: PACE[s.name]! * scale,
      log,
    };
    const opts = { source: o.mongoSource, port: String(metricsPort), restall: String(Math.round(90 * scale)) };
    running.push(
      s.run(ctx, opts).then(
        (r) => log(`${s.name} stopped: ${JSON.stringify(r)}`),
        (e) => log(`${s.name} failed: ${(e as Error).message}`),
      ),
    );
  }
  log(
    `running ${
      running.length
        ? SCENARIOS.filter((s) => !o.only || o.only.includes(s.name))
            .map((s) => s.name)
            .join(", ")
        : "nothing"
    }; app logs in ${o.logDir}`,
  );
  return {
    async stop() {
      controller.abort();
      await Promise.allSettled(running);
    },
  };
}
