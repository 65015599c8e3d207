import "server-only";
import pg from "pg";
import { trackOwnBackends } from "../postgres/own-backends";

// One pool per target URL per process, separate from the monitor pool: replay writes may wait on
// row locks, monitoring must not queue behind them.
const pools = ((globalThis as unknown as { lockboardReplayPools?: Map<string, pg.Pool> }).lockboardReplayPools ??= new Map());

export function getTargetPool(url: string): pg.Pool {
  let pool = pools.get(url);
  if (!pool) {
    pool = new pg.Pool({
      connectionString: url,
      max: 8,
      connectionTimeoutMillis: 3000,
      idleTimeoutMillis: 10_000,
      application_name: "lockboard-replay",
      statement_timeout: 15_000,
      lock_timeout: 3000,
    } as pg.PoolConfig);
    // An idle client losing its server must not crash the process; the next query reconnects.
    pool.on("error", () => {});
    // A replay in flight is Lockboard's own session on the target: never a lock action's target.
    trackOwnBackends(pool, "replay");
    pools.set(url, pool);
  }
  return pool;
}

export async function closeTargetPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.end().catch(() => {})));
}

/** A safely quoted identifier: doubled quotes, no NUL. */
export function quoteIdent(name: string): string {
  if (!name || name.includes("\0")) throw new Error(`invalid identifier ${JSON.stringify(name)}`);
  return `"${name.replace(/"/g, '""')}"`;
}

export function splitPgNamespace(ns: string): { schema: string; table: string } {
  const parts = ns.split(".");
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new Error(`a PostgreSQL namespace is schema.table, got ${JSON.stringify(ns)}`);
  return { schema: parts[0], table: parts[1] };
}
