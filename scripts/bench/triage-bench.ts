// Read-API latency on a large store: incidents list, detail, events, entity timeline, search, overview.
import path from "node:path";
import { NextRequest } from "next/server";
import pg from "pg";
import { GET as entitySearchRoute } from "@/app/api/entities/route";
import { GET as entityRoute } from "@/app/api/entities/[type]/[...key]/route";
import { GET as exportRoute } from "@/app/api/incidents/export/route";
import { GET as incidentRoute } from "@/app/api/incidents/[id]/route";
import { GET as eventsRoute } from "@/app/api/incidents/[id]/events/route";
import { GET as listRoute } from "@/app/api/incidents/route";
import { GET as overviewRoute } from "@/app/api/overview/route";
import { signInAs } from "@/lib/auth/test-sessions";
import { startEmbeddedPostgres } from "@/lib/store/embedded-server";
import { applyMigrations } from "@/lib/store/migrate";
import { lastHourJob } from "@/lib/incidents/last-hour";
import { disconnectPrisma, getPrisma } from "@/lib/store/prisma";
import { ensureDatabase } from "@/lib/store/start-store";
import { mkdir, chmod } from "node:fs/promises";
import { databaseExists, describeStoreSettings, dropDatabase } from "./store-settings";
import { compareWithBefore } from "./triage-before";
import { COLLECTIONS, PER_MESSAGE, seedTriageStore, topUpTriageStore, type TopUp, USERS } from "./triage-seed";
import { percentile, round, type Bench, type Figure } from "./types";

/** LOCKBOARD_BENCH_TRIAGE_EVENTS overrides the 10,000,000 the issue asks for (e.g. on a busy machine). */
const N = Number(process.env.LOCKBOARD_BENCH_TRIAGE_EVENTS ?? 10_000_000);
const RUNS = Number(process.env.LOCKBOARD_BENCH_TRIAGE_RUNS ?? 60);
/** LOCKBOARD_BENCH_TRIAGE_CASES="overview,sort=rate": only the cases whose name contains one of these. */
const ONLY = (process.env.LOCKBOARD_BENCH_TRIAGE_CASES ?? "")
  .split(",")
  .map((x) => x.trim())
  .filter(Boolean);

type Handler = (req: NextRequest, ctx: never) => Promise<Response>;

/** A viewer's session cookie: every read API checks its actor (one store read per call, as in use). */
let cookie = "";

async function call(handler: Handler, url: string, params: Record<string, unknown> = {}): Promise<string> {
  const res = await handler(new NextRequest(`http://127.0.0.1${url}`, { headers: { cookie } }), { params: Promise.resolve(params) } as never);
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${body.slice(0, 300)}`);
  return body;
}

/**
 * p50/p95 of the call as the client sees it, and the store's own execution time per call (the sum
 * of its statements' execution times, pg_stat_statements): on a shared, loaded machine the first
 * includes waiting for a core, the second is what the queries cost.
 */
async function measure(stats: pg.Client, fn: (i: number) => Promise<unknown>): Promise<{ p50: number; p95: number; serverMs: number; statements: number }> {
  for (let i = 0; i < 3; i++) await fn(-1 - i); // warm-up
  await stats.query(`SELECT pg_stat_statements_reset()`);
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  const s = (
    await stats.query<{ ms: number; calls: string }>(
      `SELECT coalesce(sum(total_exec_time), 0)::float8 AS ms, coalesce(sum(calls), 0)::text AS calls FROM pg_stat_statements
     WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT ILIKE '%pg_stat_statements%'
       AND query NOT ILIKE '%"IncidentLastHour" WHERE since <%' AND query NOT ILIKE 'UPDATE "IncidentLastHour"%'`, // the job's, not the call's
    )
  ).rows[0];
  return { p50: percentile(out, 50), p95: percentile(out, 95), serverMs: s.ms / RUNS, statements: Number(s.calls) / RUNS };
}

const rnd = (i: number, m: number) => Math.abs((i * 2_654_435_761) % m);

/**
 * Seeds a bench-only embedded PostgreSQL (shared_buffers 1 GB, like a small production store)
 * with N events, then times each read API through its route handler, in process (query, shaping
 * and JSON serialization; no HTTP hop), RUNS times after a warm-up, varying the keys.
 *
 * `--keep DIR` keeps the seeded server in DIR/triage-pg and reuses it on the next run with the
 * same DIR and event count: migrations added since are applied (and backfill), and the events of
 * the time since the seed's newest are added at its rate (topUpTriageStore), so the last hour is
 * as full as on a fresh seed. Without it the store lives in the run's temp folder.
 */
export const triageBench: Bench = {
  name: "triage",
  async run(ctx) {
    if (ctx.keepDir) {
      await mkdir(ctx.keepDir, { recursive: true });
      await chmod(ctx.keepDir, 0o755); // the postgres user must reach the data directory inside
    }
    const server = await startEmbeddedPostgres({
      dataDir: path.join(ctx.keepDir ?? ctx.tmpDir, "triage-pg"),
      // Durable (fsync, full-page writes and synchronous commits stay on); pg_stat_statements for the server-side times.
      settings: {
        shared_buffers: "1GB",
        max_wal_size: "8GB",
        checkpoint_timeout: "30min",
        effective_cache_size: "8GB",
        random_page_cost: "1.1",
        shared_preload_libraries: "pg_stat_statements",
      },
    });
    const figures: Figure[] = [];
    const savedUrl = process.env.DATABASE_URL;
    try {
      const log = (s: string) => console.error(`[bench] triage seed: ${s}`);
      const url = server.url("lockboard_triage");
      await ensureDatabase(server.url(), "lockboard_triage");
      await applyMigrations(url);
      const reused: TopUp | null = ctx.keepDir ? await topUpTriageStore(url, N, log) : null;
      let seed: Awaited<ReturnType<typeof seedTriageStore>> | null = null;
      const t0 = performance.now();
      if (!reused) {
        // Another count, or a seed cut short: seeded again from an empty database.
        if (ctx.keepDir && (await databaseExists(server.url(), "lockboard_triage"))) {
          await dropDatabase(server.url(), "lockboard_triage");
          await ensureDatabase(server.url(), "lockboard_triage");
          await applyMigrations(url);
        }
        seed = await seedTriageStore(url, N, log);
      }
      const seedSeconds = (performance.now() - t0) / 1000;
      const settingsLine = await describeStoreSettings(url);
      console.error(`[bench] triage store: ${settingsLine}`);
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`);
      const size = (await c.query(`SELECT pg_size_pretty(pg_database_size(current_database())) AS s, pg_database_size(current_database()) AS b`)).rows[0];
      const top = (await c.query<{ id: number; count: number }>(`SELECT id, count FROM "Incident" ORDER BY count DESC LIMIT 1`)).rows[0];
      const typical = (await c.query<{ id: number; count: number }>(`SELECT id, count FROM "Incident" ORDER BY count DESC OFFSET 1000 LIMIT 1`)).rows[0];
      const hot = (
        await c.query<{ value: string; n: string }>(
          `SELECT en.value, count(*) AS n FROM "EventEntity" ee JOIN "Entity" en ON en.id = ee."entityId" WHERE en.type = 'collection' GROUP BY 1 ORDER BY 2 DESC LIMIT 1`,
        )
      ).rows[0];

      await disconnectPrisma();
      process.env.DATABASE_URL = url;
      cookie = await signInAs("viewer");
      // As on the server: the job that keeps the rate rollup's hour current runs beside the reads.
      const runJob = () =>
        lastHourJob
          .run({ prisma: getPrisma(), signal: new AbortController().signal })
          .catch((err) => console.error(`[bench] ${lastHourJob.name}: ${(err as Error).message}`));
      await runJob();
      const jobTimer = setInterval(runJob, lastHourJob.intervalMs());
      const planFile = ctx.keepDir ? path.join(ctx.keepDir, "triage-explain.txt") : null;
      const compared = await compareWithBefore(c, getPrisma(), planFile).catch((err) => (clearInterval(jobTimer), Promise.reject(err)));
      if (planFile) console.error(`[bench] triage: the plans (EXPLAIN (ANALYZE, BUFFERS)) are in ${planFile}`);
      const messages = Math.floor(N / PER_MESSAGE);
      const cases: { name: string; target?: string; fn: (i: number) => Promise<unknown> }[] = [
        { name: "GET /api/incidents (last seen, 50 rows, sparklines)", target: "p95 < 100 ms", fn: () => call(listRoute, "/api/incidents") },
        {
          name: "GET /api/incidents?kind=duplicate_key&status=open&sort=count",
          target: "p95 < 100 ms",
          fn: () => call(listRoute, "/api/incidents?kind=duplicate_key&status=open&sort=count"),
        },
        { name: "GET /api/incidents?sort=rate", target: "p95 < 50 ms (issue 19)", fn: () => call(listRoute, "/api/incidents?sort=rate") },
        {
          name: "GET /api/incidents?q=… (free text) &range=24h",
          target: "p95 < 100 ms",
          fn: (i) => call(listRoute, `/api/incidents?q=incident%20${1 + rnd(i, 200)}&range=24h`),
        },
        {
          name: `GET /api/incidents/:id/events, busiest incident (${top.count.toLocaleString("en-US")} events)`,
          target: "p95 < 100 ms",
          fn: () => call(eventsRoute, `/api/incidents/${top.id}/events`, { id: String(top.id) }),
        },
        {
          name: "GET /api/incidents/:id/events, page 2 (cursor)",
          target: "p95 < 100 ms",
          fn: async () => {
            const first = JSON.parse(await call(eventsRoute, `/api/incidents/${top.id}/events`, { id: String(top.id) }));
            return call(eventsRoute, `/api/incidents/${top.id}/events?cursor=${first.nextCursor}`, { id: String(top.id) });
          },
        },
        {
          name: `GET /api/incidents/:id, busiest incident (histogram, entities, spike context)`,
          fn: () => call(incidentRoute, `/api/incidents/${top.id}?range=24h`, { id: String(top.id) }),
        },
        {
          name: `GET /api/incidents/:id, a typical incident (${typical.count.toLocaleString("en-US")} events)`,
          fn: () => call(incidentRoute, `/api/incidents/${typical.id}?range=24h`, { id: String(typical.id) }),
        },
        {
          name: "GET /api/entities/messageId/:key (random message)",
          target: "p95 < 100 ms",
          fn: (i) => call(entityRoute, `/api/entities/messageId/m${rnd(i, messages)}`, { type: "messageId", key: [`m${rnd(i, messages)}`] }),
        },
        {
          name: `GET /api/entities/userId/:key (random of ${USERS.toLocaleString("en-US")} users, skewed)`,
          target: "p95 < 100 ms",
          fn: (i) => call(entityRoute, `/api/entities/userId/u${rnd(i, USERS)}`, { type: "userId", key: [`u${rnd(i, USERS)}`] }),
        },
        {
          name: `GET /api/entities/collection/${hot.value} (hot: ${Number(hot.n).toLocaleString("en-US")} events)`,
          target: "p95 < 100 ms",
          fn: () => call(entityRoute, `/api/entities/collection/${hot.value}`, { type: "collection", key: [hot.value] }),
        },
        { name: "GET /api/entities?q=<prefix> (search)", fn: (i) => call(entitySearchRoute, `/api/entities?q=m${rnd(i, 9999)}`) },
        { name: "GET /api/overview (6 h)", target: "p95 < 100 ms (issue 19)", fn: () => call(overviewRoute, "/api/overview?range=6h") },
        { name: "GET /api/incidents/export?format=csv (all 2,000)", fn: () => call(exportRoute, "/api/incidents/export?format=csv") },
      ];
      try {
        for (const k of cases) {
          if (ONLY.length && !ONLY.some((o) => k.name.includes(o))) continue;
          console.error(`[bench] triage: ${k.name}`);
          const r = await measure(c, k.fn);
          figures.push({ figure: `${k.name} p50`, value: round(r.p50), unit: "ms", comparedWith: "—" });
          figures.push({ figure: `${k.name} p95`, value: round(r.p95), unit: "ms", comparedWith: k.target ?? "—" });
          figures.push({
            figure: `${k.name}: store execution time per call (${round(r.statements)} statements, pg_stat_statements)`,
            value: round(r.serverMs, 2),
            unit: "ms",
            comparedWith: "—",
          });
        }
      } finally {
        clearInterval(jobTimer);
        await c.end();
      }
      figures.unshift(
        ...(seed
          ? [
              {
                figure: `seed: events (bulk INSERT … SELECT generate_series, ${COLLECTIONS} collections, skewed)`,
                value: seed.events,
                unit: "events",
                comparedWith: "issue: 10,000,000",
              },
              {
                figure: "seed: entity links (EventEntity) / entities",
                value: seed.links,
                unit: `links / ${seed.entities.toLocaleString("en-US")} entities`,
                comparedWith: "—",
              },
              {
                figure: `seed time (events ${round(seed.seconds.events ?? 0, 0)} s, links ${round(seed.seconds.links ?? 0, 0)} s, indexes ${round(seed.seconds.indexes ?? 0, 0)} s, rollups ${round(seed.seconds.rollups ?? 0, 0)} s)`,
                value: round(seedSeconds, 0),
                unit: "s",
                comparedWith: "—",
              },
            ]
          : [
              { figure: `seed reused (--keep, seeded ${reused!.seededAt.toISOString()}): events`, value: N, unit: "events", comparedWith: "issue: 10,000,000" },
              { figure: "seed reused: events added since the seed's newest (at its rate)", value: reused!.events, unit: "events", comparedWith: "—" },
            ]),
        { figure: `store size (${size.s})`, value: round(Number(size.b) / 2 ** 30, 2), unit: "GiB", comparedWith: "—" },
        ...compared,
      );
    } finally {
      await disconnectPrisma();
      process.env.DATABASE_URL = savedUrl;
      await server.stop(); // with --keep, its data directory stays for the next run
    }
    return figures;
  },
};
