import path from "node:path";
import pg from "pg";
import { NextRequest } from "next/server";
import { GET as getSnapshotRoute } from "@/app/api/locks/[source]/route";
import { sampleAllLockSources } from "@/lib/postgres/lock-sampler";
import { closeMonitorPools } from "@/lib/postgres/monitor-pool";
import { upsertSource } from "@/lib/sources/source-registry";
import { startEmbeddedPostgres } from "@/lib/store/embedded-server";
import { getPrisma } from "@/lib/store/prisma";
import { percentile, round, type Bench, type Figure } from "./types";

const SOURCE = "bench-locks-pg";

async function time(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

/**
 * Snapshot time through the API's route handler (GET /api/locks/:source called in-process with
 * a NextRequest: source lookup, decryption, catalog queries, tree building, JSON serialization;
 * no HTTP hop) with 5,000 and 50,000 advisory locks held by one session, next to the raw
 * catalog read; then one sampler pass. The locks live on a bench-only embedded server started
 * with max_locks_per_transaction raised, since 50,000 exceed the default lock table.
 */
export const locksBench: Bench = {
  name: "locks",
  async run(ctx) {
    const server = await startEmbeddedPostgres({ dataDir: path.join(ctx.tmpDir, "locks-pg"), settings: { max_locks_per_transaction: "1024" } });
    const holder = new pg.Client({ connectionString: server.url() });
    const raw = new pg.Client({ connectionString: server.url() });
    await holder.connect();
    await raw.connect();
    const figures: Figure[] = [];
    try {
      const prisma = getPrisma();
      await upsertSource(prisma, { name: SOURCE, kind: "postgres", url: server.url() });
      // Until the response body is fully serialized; parsing it is the browser's cost, not the API's.
      const viaApi = async () => {
        const res = await getSnapshotRoute(new NextRequest(`http://127.0.0.1/api/locks/${SOURCE}`), { params: Promise.resolve({ source: SOURCE }) });
        const body = await res.text();
        if (res.status !== 200) throw new Error(`snapshot answered ${res.status}: ${body}`);
        return body;
      };
      const parse = (body: string) => JSON.parse(body) as { locks: unknown[]; caps: { locksTotal: number; locksCapped: boolean } };
      let held = 0;
      for (const [target, apiTarget, rawRef] of [
        [5_000, "< 50 ms", "~7 ms"],
        [50_000, "< 500 ms, capped", "~46 ms"],
      ] as const) {
        await holder.query("SELECT count(pg_advisory_lock(g)) FROM generate_series($1::bigint, $2::bigint) g", [held + 1, target]);
        held = target;
        const label = target.toLocaleString("en-US");
        const rawMs = await time(10, () => raw.query("SELECT count(*) FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid"));
        await viaApi(); // warm the monitor pool
        const last = parse(await viaApi());
        const apiMs = await time(10, viaApi);
        const sampler = await time(5, () => sampleAllLockSources(prisma, undefined, [SOURCE]));
        figures.push(
          {
            figure: `raw catalog query (pg_locks ⋈ pg_stat_activity, counted server-side) with ${label} locks p50`,
            value: round(percentile(rawMs, 50)),
            unit: "ms",
            comparedWith: rawRef,
          },
          {
            figure: `snapshot through GET /api/locks/:source with ${label} locks p50`,
            value: round(percentile(apiMs, 50)),
            unit: "ms",
            comparedWith: apiTarget,
          },
          { figure: `snapshot through the API with ${label} locks p95`, value: round(percentile(apiMs, 95)), unit: "ms", comparedWith: apiTarget },
          {
            figure: `rows returned of ${last.caps.locksTotal.toLocaleString("en-US")} (capped: ${last.caps.locksCapped})`,
            value: last.locks.length,
            unit: "locks",
            comparedWith: "LOCKBOARD_LOCK_SNAPSHOT_MAX_LOCKS = 1,000",
          },
          {
            figure: `sampler pass (snapshot + 501 LockSample rows + incidents + retention) with ${label} locks p50`,
            value: round(percentile(sampler, 50)),
            unit: "ms",
            comparedWith: "every 5 s by default",
          },
        );
      }
      const rows = await prisma.lockSample.count({ where: { source: { name: SOURCE } } });
      figures.push({
        figure: "LockSample rows stored by 10 sampler passes",
        value: rows,
        unit: "rows",
        comparedWith: "≤ 501 per pass (LOCKBOARD_LOCK_SAMPLE_MAX_ROWS)",
      });
    } finally {
      await holder.end().catch(() => {});
      await raw.end().catch(() => {});
      await closeMonitorPools();
      await server.stop();
    }
    return figures;
  },
};
