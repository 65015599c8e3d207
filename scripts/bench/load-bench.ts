import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import pg from "pg";
import { createLocalUser } from "@/lib/auth/users";
import { upsertSource } from "@/lib/sources/source-registry";
import { disconnectPrisma, getPrisma } from "@/lib/store/prisma";
import { percentile, round, type Bench } from "./types";

// `npm run bench -- load`: a burst of concurrent reads from this process against the production
// server (`next start` on the bench store, or LOCKBOARD_BENCH_URL with LOCKBOARD_BENCH_DATABASE_URL).
const REQUESTS = Number(process.env.LOCKBOARD_BENCH_LOAD_REQUESTS) || 1000;
const PORT = Number(process.env.LOCKBOARD_BENCH_PORT) || 3990;

async function startServer(databaseUrl: string): Promise<{ url: string; child: ChildProcess }> {
  if (!existsSync(path.resolve(".next/BUILD_ID"))) throw new Error("no production build: run `npx next build` first");
  const url = `http://127.0.0.1:${PORT}`;
  const child = spawn(path.resolve("node_modules/.bin/next"), ["start", "-p", String(PORT), "-H", "127.0.0.1"], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, DATABASE_URL: databaseUrl, LOCKBOARD_PUBLIC_URL: url, NEXT_TELEMETRY_DISABLED: "1" },
  });
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    const up = await fetch(`${url}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { url, child };
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill("SIGTERM");
  throw new Error("next start did not answer /api/health within 2 minutes");
}

/** A viewer account and its session cookie, signed in through the real sign-in endpoint. */
async function signIn(url: string): Promise<string> {
  const email = `load-bench-${Date.now().toString(36)}@bench.lockboard.test`;
  const password = randomBytes(12).toString("base64url");
  await createLocalUser(getPrisma(), "bench (load)", { email, password, role: "viewer", name: "load bench" });
  const res = await fetch(`${url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: url },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

/** Samples the store's connections to one database (the sampler's own excluded) until stopped: the peak, by application_name. */
function sampleConnections(databaseUrl: string) {
  const c = new pg.Client({ connectionString: databaseUrl });
  let peak = { total: 0, byApp: {} as Record<string, number> };
  let stop = false;
  const done = (async () => {
    await c.connect();
    while (!stop) {
      const r = await c.query<{ app: string; n: number }>(
        "SELECT coalesce(nullif(application_name, ''), '(none)') AS app, count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() GROUP BY 1",
      );
      const total = r.rows.reduce((n, row) => n + row.n, 0);
      if (total > peak.total) peak = { total, byApp: Object.fromEntries(r.rows.map((row) => [row.app, row.n])) };
      await new Promise((r) => setTimeout(r, 25));
    }
    await c.end();
  })();
  return { stop: async () => ((stop = true), await done, peak) };
}

export const loadBench: Bench = {
  name: "load",
  async run(ctx) {
    const given = process.env.LOCKBOARD_BENCH_URL;
    const databaseUrl = given ? (process.env.LOCKBOARD_BENCH_DATABASE_URL ?? ctx.databaseUrl) : ctx.databaseUrl;
    const server = given ? { url: given.replace(/\/$/, ""), child: null } : await startServer(databaseUrl);
    try {
      process.env.LOCKBOARD_PUBLIC_URL ??= server.url; // Better Auth warns without one
      const cookie = await signIn(server.url);
      await upsertSource(getPrisma(), { name: "load-bench-pg", kind: "postgres", url: ctx.serverUrl });
      const paths = ["/api/health", "/api/incidents", "/api/overview", "/api/locks/load-bench-pg"];
      await disconnectPrisma(); // only the server's own connections count from here
      const load = loadavg()[0];
      const sampler = sampleConnections(databaseUrl);
      const statuses: Record<string, number> = {};
      const byPath: Record<string, Record<string, number>> = {};
      const ms: number[] = [];
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: REQUESTS }, async (_, i) => {
          const p = paths[i % paths.length];
          const t = performance.now();
          const status = await fetch(`${server.url}${p}`, { headers: p === "/api/health" ? {} : { cookie } }).then(
            async (r) => (await r.arrayBuffer(), String(r.status)),
            (err: Error) => `error ${(err.cause as { code?: string })?.code ?? err.message}`,
          );
          ms.push(performance.now() - t);
          statuses[status] = (statuses[status] ?? 0) + 1;
          byPath[p] ??= {};
          byPath[p][status] = (byPath[p][status] ?? 0) + 1;
        }),
      );
      const wall = performance.now() - t0;
      const peak = await sampler.stop();
      const fivexx = Object.entries(statuses).reduce((n, [s, c]) => (/^5/.test(s) || s.startsWith("error") ? n + c : n), 0);
      console.error(
        `[bench] load: ${REQUESTS} requests (${paths.join(", ")}), statuses by path ${JSON.stringify(byPath)}; peak store connections by application_name ${JSON.stringify(peak.byApp)}`,
      );
      return [
        { figure: `machine load average (1 min) at the start`, value: round(load, 2), unit: "", comparedWith: "2 cores" },
        {
          figure: `${REQUESTS} concurrent requests: 5xx or failed`,
          value: fivexx,
          unit: "responses",
          comparedWith: "987 of 1,000 health calls got 503 before",
        },
        ...Object.entries(statuses).map(([s, n]) => ({ figure: `responses with status ${s}`, value: n, unit: "responses", comparedWith: "—" })),
        { figure: "latency p50", value: round(percentile(ms, 50), 0), unit: "ms", comparedWith: "—" },
        { figure: "latency p99", value: round(percentile(ms, 99), 0), unit: "ms", comparedWith: "—" },
        { figure: "whole burst", value: round(wall, 0), unit: "ms", comparedWith: "—" },
        {
          figure: "store connections, peak (pg_stat_activity)",
          value: peak.total,
          unit: "connections",
          comparedWith: "LOCKBOARD_STORE_CONNECTIONS (10) + auth pool (5)",
        },
      ];
    } finally {
      if (server.child) {
        const exited = new Promise((r) => server.child!.once("exit", r));
        server.child.kill("SIGTERM");
        await exited;
      }
    }
  },
};
