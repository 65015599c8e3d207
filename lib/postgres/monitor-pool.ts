import "server-only";
import pg from "pg";
import { trackOwnBackends } from "./own-backends";

export type MonitorOptions = { statementTimeoutMs?: number; lockTimeoutMs?: number };

/** A label for the server's operators only: Lockboard knows its own sessions by pid (own-backends.ts), never by this name. */
export const MONITOR_APPLICATION_NAME = "lockboard-monitor";
const DEFAULT_STATEMENT_TIMEOUT_MS = 2_000;
const DEFAULT_LOCK_TIMEOUT_MS = 200;

const globalForPools = globalThis as unknown as { lockboardMonitorPools?: Map<string, pg.Pool> };
const pools = (globalForPools.lockboardMonitorPools ??= new Map());

function poolFor(url: string): pg.Pool {
  let pool = pools.get(url);
  if (!pool) {
    pool = new pg.Pool({
      connectionString: url,
      // A monitor must never be one of the many clients it is diagnosing: few connections, short waits.
      max: 3,
      connectionTimeoutMillis: 3_000,
      idleTimeoutMillis: 30_000,
      application_name: MONITOR_APPLICATION_NAME,
      statement_timeout: DEFAULT_STATEMENT_TIMEOUT_MS,
      lock_timeout: DEFAULT_LOCK_TIMEOUT_MS,
      idle_in_transaction_session_timeout: 10_000,
    } as pg.PoolConfig);
    // An idle client dying (server restart, terminate) must not crash the process.
    pool.on("error", () => {});
    trackOwnBackends(pool, "monitor");
    pools.set(url, pool);
  }
  return pool;
}

/**
 * Runs `fn` on a pooled connection to a monitored server with short lock and statement
 * timeouts, so the dashboard's own queries fail fast instead of joining a lock queue.
 */
export async function withMonitorClient<T>(url: string, fn: (client: pg.PoolClient) => Promise<T>, opts: MonitorOptions = {}): Promise<T> {
  const client = await poolFor(url).connect();
  const custom = opts.statementTimeoutMs !== undefined || opts.lockTimeoutMs !== undefined;
  let broken = false;
  try {
    if (custom) {
      await client.query("SELECT set_config('statement_timeout', $1, false), set_config('lock_timeout', $2, false)", [
        `${opts.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS}ms`,
        `${opts.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS}ms`,
      ]);
    }
    return await fn(client);
  } catch (err) {
    broken = isConnectionError(err);
    throw err;
  } finally {
    if (custom && !broken) {
      await client.query("RESET statement_timeout; RESET lock_timeout").catch(() => (broken = true));
    }
    client.release(broken);
  }
}

function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? "";
  return /^(08|57P0)/.test(code) || /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT/.test(code) || /Connection terminated/.test(String(err));
}

export async function closeMonitorPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.end().catch(() => {})));
}
