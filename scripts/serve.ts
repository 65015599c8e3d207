// Starts the store (embedded PostgreSQL unless DATABASE_URL is set) and serves the built dashboard.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { BACKGROUND_JOBS } from "@/lib/jobs/job-list";
import { startBackgroundJobs } from "@/lib/jobs/run-background-jobs";
import { loadConfiguredSources } from "@/lib/sources/source-registry";
import { disconnectPrisma, getPrisma } from "@/lib/store/prisma";
import { startStore } from "@/lib/store/start-store";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: process.env.PORT ?? "3000" },
    host: { type: "string", default: process.env.HOST ?? "127.0.0.1" },
    "state-file": { type: "string" },
  },
});

const store = await startStore({ settings: { log_lock_waits: "on", deadlock_timeout: "200ms" } });
const where = store.embedded ? `embedded PostgreSQL on 127.0.0.1:${store.embedded.port} (data in ${store.embedded.dataDir})` : "DATABASE_URL";
console.log(`[lockboard] store: ${where}; migrations applied now: ${store.applied.length ? store.applied.join(", ") : "none pending"}`);

process.env.DATABASE_URL = store.databaseUrl;
const prisma = getPrisma();
const configured = await loadConfiguredSources(prisma);
if (configured.length) console.log(`[lockboard] sources from the environment: ${configured.map((s) => `${s.name} (${s.kind})`).join(", ")}`);
const jobs = startBackgroundJobs(prisma, BACKGROUND_JOBS);

if (values["state-file"]) {
  // Tests read where the servers are from here (the e2e server is started by Playwright).
  mkdirSync(path.dirname(values["state-file"]), { recursive: true });
  writeFileSync(
    values["state-file"],
    JSON.stringify({ databaseUrl: store.databaseUrl, embeddedUrl: store.embedded?.url() ?? null, logDir: store.embedded?.logDir ?? null }),
  );
}

const next = spawn(path.resolve("node_modules/.bin/next"), ["start", "-p", values.port!, "-H", values.host!], {
  stdio: ["ignore", "inherit", "inherit"],
  env: { ...process.env, DATABASE_URL: store.databaseUrl, NEXT_TELEMETRY_DISABLED: "1" },
});
console.log(`[lockboard] dashboard: http://localhost:${values.port}`);

let stopping = false;
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  if (next.exitCode === null) {
    const exited = new Promise((r) => next.once("exit", r));
    next.kill("SIGTERM");
    await exited;
  }
  await jobs.stop();
  await disconnectPrisma();
  await store.embedded?.stop();
  process.exit(code);
};
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
next.on("exit", (code) => void stop(code ?? 1));
