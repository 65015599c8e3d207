// Starts the store (embedded PostgreSQL unless DATABASE_URL is set) and serves the built dashboard.
// The background jobs run inside the dashboard process (instrumentation.ts), not here.
import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { ensureInitialUsers } from "@/lib/auth/seed-users";
import { registerDemoPgSource } from "@/lib/postgres/demo-source";
import { loadConfiguredSources, upsertSource } from "@/lib/sources/source-registry";
import { disconnectPrisma, getPrisma } from "@/lib/store/prisma";
import { startStore } from "@/lib/store/start-store";
import { startDemoAlerts } from "./cli/demo-alerts";
import { demoAppDatabaseUrl, waitForHealth } from "./cli/serve-helpers";
import { demoFailedWritesToken, startDemoScenarios } from "./scenarios/demo-runner";
import { METADATA_LOCK_ADVISORY_KEYS } from "./scenarios/metadata-lock";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: process.env.PORT ?? "3000" },
    host: { type: "string", default: process.env.HOST ?? "127.0.0.1" },
    "state-file": { type: "string" },
    // Everything this process and the dashboard print, also copied here (tests grep it for secrets).
    "log-file": { type: "string" },
    // A MongoDB target for the demo and e2e runs: the in-repo test wire server, labelled demo.
    "demo-mongo": { type: "boolean", default: false },
    // Reproduce the five incidents for real in the background (npm run demo, the e2e server).
    scenarios: { type: "boolean", default: false },
  },
});

if (values["log-file"]) mkdirSync(path.dirname(values["log-file"]), { recursive: true });
const logFile = values["log-file"] ? createWriteStream(values["log-file"], { flags: "w" }) : null;
if (logFile) {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: string | Uint8Array) => boolean;
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      logFile.write(chunk);
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
  }
}

const store = await startStore({ settings: { log_lock_waits: "on", deadlock_timeout: "200ms" } });
const where = store.embedded ? `embedded PostgreSQL on 127.0.0.1:${store.embedded.port} (data in ${store.embedded.dataDir})` : "DATABASE_URL";
console.log(`[lockboard] store: ${where}; migrations applied now: ${store.applied.length ? store.applied.join(", ") : "none pending"}`);

process.env.DATABASE_URL = store.databaseUrl;
// Sign-in callbacks and redirects need the dashboard's own address.
process.env.LOCKBOARD_PUBLIC_URL ??= `http://${values.host === "127.0.0.1" ? "localhost" : values.host}:${values.port}`;
const prisma = getPrisma();
const configured = await loadConfiguredSources(prisma);
if (configured.length) console.log(`[lockboard] sources from the environment: ${configured.map((s) => `${s.name} (${s.kind})`).join(", ")}`);

let demoMongo: { url: string; stop(): Promise<void> } | null = null;
if (process.env.MONGO_URL) {
  await upsertSource(prisma, { name: "mongo", kind: "mongodb", url: process.env.MONGO_URL });
} else if (values["demo-mongo"]) {
  // Only here does the product touch the test server: no MONGO_URL and a demo Mongo asked for.
  const { startTestMongoServer } = await import("@/e2e/support/mongo-server/server");
  demoMongo = await startTestMongoServer();
  await upsertSource(prisma, {
    name: "demo-mongo",
    kind: "mongodb",
    url: demoMongo.url,
    demo: true,
    config: { replay: { namespaces: ["LibreChat.messages"] } },
  });
  console.log(`[lockboard] demo MongoDB (in-memory test wire server, not a real mongod) at ${demoMongo.url}, source "demo-mongo"`);
}
const users = await ensureInitialUsers(prisma);
if (users.generated) {
  // Shown once: only a hash is stored. `npm run user` adds more accounts.
  console.log(
    `[lockboard] created the first account: ${users.generated.email} / ${users.generated.password} (role operator; write it down, it is not shown again)`,
  );
}
const demoPg = await registerDemoPgSource(prisma, store.embedded);
if (demoPg) console.log(`[lockboard] no monitored PostgreSQL configured: showing the embedded server's ${demoPg.maskedUrl} as ${demoPg.name}`);

if (values["state-file"]) {
  // Tests read where the servers are from here (the e2e server is started by Playwright).
  mkdirSync(path.dirname(values["state-file"]), { recursive: true });
  writeFileSync(
    values["state-file"],
    JSON.stringify({
      databaseUrl: store.databaseUrl,
      embeddedUrl: store.embedded?.url() ?? null,
      logDir: store.embedded?.logDir ?? null,
      demoMongoUrl: demoMongo?.url ?? null,
    }),
  );
}

// The demo apps hand failed writes over with this token (a random one unless the operator set one).
if (values.scenarios) process.env.LOCKBOARD_FAILED_WRITES_TOKEN = demoFailedWritesToken();
// The demo's memory service locks hashtextextended('user-metadata:' || userId): the Locks page names the user.
if (values.scenarios) process.env.LOCKBOARD_ENTITY_ADVISORY_KEYS ??= JSON.stringify(METADATA_LOCK_ADVISORY_KEYS);

// The demo's alert receiver and rule, before the scenarios make their first incident.
const demoAlerts = values.scenarios ? await startDemoAlerts(prisma) : null;

// Not `next start`: scripts/next-server.mjs adds the socket address to X-Forwarded-For (sign-in limits).
const next = spawn(process.execPath, [path.resolve("scripts/next-server.mjs"), "--port", values.port!, "--host", values.host!], {
  stdio: ["ignore", logFile ? "pipe" : "inherit", logFile ? "pipe" : "inherit"],
  env: { ...process.env, DATABASE_URL: store.databaseUrl, NEXT_TELEMETRY_DISABLED: "1" },
});
next.stdout?.on("data", (d) => process.stdout.write(d));
next.stderr?.on("data", (d) => process.stderr.write(d));
console.log(`[lockboard] dashboard: http://localhost:${values.port}`);
// The dashboard watches its own file descriptors too: it is one more process that can hit EMFILE.
// On a shared store (DATABASE_URL) each instance is its own source, sampled on its own host.
const dashboardSource = store.embedded
  ? "lockboard-dashboard"
  : `lockboard-dashboard-${hostname()
      .replace(/[^\w.-]/g, "-")
      .slice(0, 40)}-${values.port}`;
if (next.pid) await upsertSource(prisma, { name: dashboardSource, kind: "process", config: { pid: next.pid, host: hostname() } });

let scenarios: { stop(): Promise<void> } | null = null;
let stopping = false;
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  if (next.exitCode === null) {
    const exited = new Promise((r) => next.once("exit", r));
    next.kill("SIGTERM");
    await exited;
  }
  await scenarios?.stop();
  await demoAlerts?.stop();
  await demoMongo?.stop();
  await disconnectPrisma();
  await store.embedded?.stop();
  process.exit(code);
};
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
next.on("exit", (code) => void stop(code ?? 1));

/**
 * The scenarios' app logs, named after the store they are followed into: a fresh store (each e2e
 * run's, in a shared temporary folder) must not read the lines an earlier store's run appended.
 */
function scenarioLogDir(dataDir: string): string {
  return path.join(path.dirname(dataDir), `${path.basename(dataDir)}-scenario-logs`);
}

if (values.scenarios) {
  const mongoUrl = process.env.MONGO_URL ?? demoMongo?.url;
  if (!mongoUrl) throw new Error("--scenarios needs MONGO_URL or --demo-mongo");
  await waitForHealth(`http://127.0.0.1:${values.port}/api/health`);
  scenarios = await startDemoScenarios({
    prisma,
    pgUrl: process.env.LOCKBOARD_SCENARIO_PG_URL ?? (await demoAppDatabaseUrl(store.embedded?.url() ?? store.databaseUrl)),
    mongoUrl,
    mongoSource: process.env.MONGO_URL ? "mongo" : "demo-mongo",
    lockboardUrl: `http://127.0.0.1:${values.port}`,
    failedWritesToken: process.env.LOCKBOARD_FAILED_WRITES_TOKEN!,
    logDir: process.env.LOCKBOARD_SCENARIO_LOG_DIR ?? scenarioLogDir(store.embedded?.dataDir ?? path.resolve(".lockboard/pgdata")),
  });
}
