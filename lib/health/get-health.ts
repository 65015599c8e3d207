import "server-only";
import type { PrismaClient } from "../store/generated/client";
import { listMigrationFiles } from "../store/migrate";
import { maskSecretsIn } from "../sources/secret-box";
import { getPrisma } from "../store/prisma";

export type HealthStatus = "ok" | "degraded" | "down";

export type Health = {
  status: HealthStatus;
  version: string;
  store: { reachable: boolean; error?: string; latencyMs?: number; serverVersion?: string };
  migrations: { applied: boolean; pending: string[] };
  checkedAt: string;
};

export const LOCKBOARD_VERSION = process.env.npm_package_version ?? "0.1.0";

/**
 * A check that gets no answer within this reports the store down. It is the pool's own queue
 * timeout: a busy dashboard (every pooled connection in use, the CPU saturated) is not a down store.
 */
const CHECK_TIMEOUT_MS = 10_000;
/** A burst of health calls shares one check: results are reused for up to this long. */
const CACHE_MS = 1_000;

const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the store did not answer within ${ms} ms`)), ms).unref())]);

/** Migration names the store has not finished (the same reading as listPendingMigrations, through the pool). */
async function pendingMigrations(prisma: PrismaClient): Promise<string[]> {
  const files = await listMigrationFiles();
  const [table] = await prisma.$queryRawUnsafe<{ t: string | null }[]>(`SELECT to_regclass('"_prisma_migrations"')::text AS t`);
  if (!table?.t) return files.map((f) => f.name);
  const done = await prisma.$queryRawUnsafe<{ migration_name: string }[]>(
    `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  const names = new Set(done.map((r) => r.migration_name));
  return files.filter((f) => !names.has(f.name)).map((f) => f.name);
}

/**
 * One uncached check through the shared pool: a burst of health calls must not open a store
 * connection each (that exhausted the store's max_connections and failed every other request).
 */
export async function checkHealth(): Promise<Health> {
  const checkedAt = new Date().toISOString();
  const t0 = performance.now();
  try {
    const prisma = getPrisma();
    const [[v], pending] = await within(
      Promise.all([prisma.$queryRawUnsafe<{ v: string }[]>("SELECT current_setting('server_version') AS v"), pendingMigrations(prisma)]),
      CHECK_TIMEOUT_MS,
    );
    const latencyMs = Math.round((performance.now() - t0) * 10) / 10;
    return {
      status: pending.length ? "degraded" : "ok",
      version: LOCKBOARD_VERSION,
      store: { reachable: true, latencyMs, serverVersion: v.v },
      migrations: { applied: pending.length === 0, pending },
      checkedAt,
    };
  } catch (err) {
    return {
      status: "down",
      version: LOCKBOARD_VERSION,
      store: { reachable: false, error: maskSecretsIn((err as Error).message) },
      migrations: { applied: false, pending: [] },
      checkedAt,
    };
  }
}

let cached: { at: number; health: Health } | null = null;
let inflight: Promise<Health> | null = null;

/**
 * The store's health, checked at most once at a time and reused for a second after it answers:
 * however many callers ask at once, they share one check (one pooled connection).
 */
export function getHealth(): Promise<Health> {
  if (cached && Date.now() - cached.at <= CACHE_MS) return Promise.resolve(cached.health);
  inflight ??= checkHealth().then((health) => {
    cached = { at: Date.now(), health };
    inflight = null;
    return health;
  });
  return inflight;
}
