// The background jobs start with any server start (instrumentation.ts), not only under
// scripts/serve.ts: a plain `next start` samples locks; serve.ts no longer runs a second copy.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { readE2EState, runScript } from "./support/e2e-state";
import { openSession, randomBigKey, type Session } from "./support/pg-sessions";

const SOURCE = "jobs-e2e-pg";
const cleanups: (() => Promise<unknown>)[] = [];
test.afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

/** A fresh store on the e2e embedded server, created and migrated by a CLI command as a user would. */
function freshStore(): string {
  const embedded = readE2EState().embeddedUrl;
  expect(embedded, "the e2e dashboard runs on the embedded server").toBeTruthy();
  const url = embedded!.replace(/\/postgres$/, `/lockboard_jobs_${randomBytes(4).toString("hex")}`);
  runScript("user", ["list"], url);
  return url;
}

type NextServer = { proc: ChildProcess; output: () => string; stop(): Promise<number | null> };

/** `next start` on its own, the way a process manager runs it: no scripts/serve.ts. */
async function startNext(env: Record<string, string>): Promise<NextServer> {
  const port = await freePort();
  const { DATABASE_URL: _d, LOCKBOARD_SOURCES: _s, LOCKBOARD_SOURCES_FILE: _f, LOCKBOARD_JOBS: _j, LOCKBOARD_SEED_USERS: _u, ...base } = process.env;
  const proc = spawn(path.resolve("node_modules/.bin/next"), ["start", "-p", String(port), "-H", "127.0.0.1"], {
    env: { ...base, NEXT_TELEMETRY_DISABLED: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => proc.once("exit", (code) => r(code)));
  const server: NextServer = {
    proc,
    output: () => out,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
      return exited;
    },
  };
  cleanups.push(() => server.stop());
  const health = async () => {
    if (proc.exitCode !== null) return `exited: ${out}`;
    return fetch(`http://127.0.0.1:${port}/api/health`).then(
      (r) => r.status,
      () => 0,
    );
  };
  await expect.poll(health, { timeout: 60_000 }).toBe(200);
  return server;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

const advisorySamplesOf = async (store: string, pid: number) =>
  (
    await query<{ n: number }>(
      store,
      `SELECT count(*)::int AS n FROM "LockSample" l JOIN "Source" s ON s.id = l."sourceId" WHERE s.name = $1 AND l."lockType" = 'advisory' AND l.pid = $2`,
      [SOURCE, pid],
    )
  )[0]!.n;

/** A session of the monitored database holding an advisory lock. */
async function holdAdvisoryLock(url: string): Promise<Session> {
  const holder = await openSession(url, "jobs-e2e-holder");
  cleanups.push(() => holder.end());
  await holder.client.query("SELECT pg_advisory_lock($1)", [randomBigKey().toString()]);
  return holder;
}

// The store's own database is the monitored one too: scoped to it, only this test's lock is seen.
const sourcesEnv = (store: string) => JSON.stringify([{ name: SOURCE, kind: "postgres", url: store, config: { scope: "database", tailLog: false } }]);

test("a plain `next start` runs the jobs: a held advisory lock is sampled, and SIGTERM stops them before exit", async () => {
  test.setTimeout(120_000);
  const store = freshStore();
  const holder = await holdAdvisoryLock(store);
  const next = await startNext({ DATABASE_URL: store, LOCKBOARD_SOURCES: sourcesEnv(store), LOCKBOARD_LOCK_SAMPLE_SECONDS: "1" });

  await expect.poll(() => advisorySamplesOf(store, holder.pid), { timeout: 15_000, message: next.output() }).toBeGreaterThan(0);
  expect(next.output()).toContain(
    "[lockboard] background jobs started: capacity-sampler, failed-write-retry, lock-sampler, pg-log-tail, replay-resume, alerts, incident-last-hour, event-retention",
  );
  expect(next.output()).toContain(`[lockboard] sources from the environment: ${SOURCE} (postgres)`);

  // Next's own handler exits once requests are done; ours stops the jobs first.
  const code = await next.stop();
  expect(code, next.output()).toBe(143);
  expect(next.output()).toContain("[lockboard] background jobs stopped");
  const after = await advisorySamplesOf(store, holder.pid);
  await new Promise((r) => setTimeout(r, 2_500));
  expect(await advisorySamplesOf(store, holder.pid)).toBe(after);
});

test("LOCKBOARD_JOBS=off: the server answers and loads its sources, and samples nothing", async () => {
  test.setTimeout(120_000);
  const store = freshStore();
  const holder = await holdAdvisoryLock(store);
  const next = await startNext({ DATABASE_URL: store, LOCKBOARD_SOURCES: sourcesEnv(store), LOCKBOARD_LOCK_SAMPLE_SECONDS: "1", LOCKBOARD_JOBS: "off" });

  await expect.poll(async () => (await query(store, `SELECT 1 FROM "Source" WHERE name = $1`, [SOURCE])).length, { timeout: 15_000 }).toBe(1);
  // Three sampler intervals: a running sampler would have stored the lock by now.
  await new Promise((r) => setTimeout(r, 3_500));
  expect(await advisorySamplesOf(store, holder.pid)).toBe(0);
  expect((await query<{ n: number }>(store, `SELECT count(*)::int AS n FROM "LockSample"`))[0]?.n ?? 0).toBe(0);
  expect(next.output()).toContain("[lockboard] background jobs off in this process (LOCKBOARD_JOBS=off)");
  expect(next.output()).not.toContain("background jobs started");
  expect(await next.stop()).toBe(143);
});

test("under scripts/serve.ts the jobs run once: one lock sample per interval per source", async () => {
  const state = readE2EState();
  const [demo] = await query<{ id: number }>(state.databaseUrl, `SELECT id FROM "Source" WHERE name = 'demo-pg'`);
  expect(demo, "serve.ts registers the demo source").toBeTruthy();
  const from = new Date();
  await new Promise((r) => setTimeout(r, 10_000));
  const rows = await query<{ n: number }>(
    state.databaseUrl,
    `SELECT count(*)::int AS n FROM "LockSample" WHERE "sourceId" = $1 AND "lockType" = 'summary' AND "sampledAt" >= $2 AND "sampledAt" < $3`,
    [demo!.id, from, new Date(from.getTime() + 10_000)],
  );
  // playwright.config.ts samples every 2 s: 5 passes in 10 s (one more for a late pass); two runners would store about 10.
  expect(rows[0]!.n).toBeGreaterThanOrEqual(2);
  expect(rows[0]!.n).toBeLessThanOrEqual(7);
});

test("the production build carries no test-only code (test MongoDB server, mingo, e2e support, seeded users)", () => {
  const check = (dirs: string[]) => spawnSync(process.execPath, ["scripts/check-build.mjs", ...dirs], { encoding: "utf8" });
  const real = check([]);
  expect(real.status, real.stdout + real.stderr).toBe(0);
  // The check itself can fail: a build fixture that bundled the test server.
  const dir = mkdtempSync(path.join(tmpdir(), "lockboard-check-build-"));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, "chunks"));
  writeFileSync(path.join(dir, "chunks", "route.js"), `module.exports = require("[project]/e2e/support/mongo-server/server.ts");`);
  const bad = check([dir]);
  expect(bad.status).toBe(1);
  expect(bad.stderr).toContain('contains "mongo-server"');
});
