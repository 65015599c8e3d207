import "server-only";
import pg from "pg";
import { listPendingMigrations } from "../store/migrate";

export type Health = {
  status: "ok" | "degraded" | "down";
  version: string;
  store: { reachable: boolean; error?: string; latencyMs?: number; serverVersion?: string };
  migrations: { applied: boolean; pending: string[] };
  checkedAt: string;
};

export const LOCKBOARD_VERSION = process.env.npm_package_version ?? "0.1.0";

/**
 * Uses its own short-lived connection with tight timeouts rather than the shared pool, so the
 * health check answers quickly even when the pool is exhausted.
 */
export async function getHealth(databaseUrl = process.env.DATABASE_URL): Promise<Health> {
  const checkedAt = new Date().toISOString();
  if (!databaseUrl) {
    return { status: "down", version: LOCKBOARD_VERSION, store: { reachable: false, error: "DATABASE_URL is not set" }, migrations: { applied: false, pending: [] }, checkedAt };
  }
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2000, statement_timeout: 2000 });
  const t0 = performance.now();
  try {
    await client.connect();
    const v = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    const pending = await listPendingMigrations(client);
    const latencyMs = Math.round((performance.now() - t0) * 10) / 10;
    return {
      status: pending.length ? "degraded" : "ok",
      version: LOCKBOARD_VERSION,
      store: { reachable: true, latencyMs, serverVersion: v.rows[0].v },
      migrations: { applied: pending.length === 0, pending },
      checkedAt,
    };
  } catch (err) {
    return { status: "down", version: LOCKBOARD_VERSION, store: { reachable: false, error: (err as Error).message }, migrations: { applied: false, pending: [] }, checkedAt };
  } finally {
    await client.end().catch(() => {});
  }
}
