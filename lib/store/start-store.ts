import "server-only";
import path from "node:path";
import pg from "pg";
import { createHash } from "node:crypto";
import { postgresCanReach, startEmbeddedPostgres, type EmbeddedServer } from "./embedded-server";
import { applyMigrations } from "./migrate";
import { secretKeyMaterial } from "../sources/secret-box";

export type Store = { databaseUrl: string; embedded: EmbeddedServer | null; applied: string[] };

export const DEFAULT_DATA_DIR = path.resolve(process.cwd(), ".lockboard/pgdata");

/**
 * The project's .lockboard/ when the `postgres` user can reach it; otherwise (a clone in a
 * private home folder, run as root) a per-project folder under /var/tmp.
 */
export function defaultDataDir(): string {
  if (postgresCanReach(path.dirname(path.dirname(DEFAULT_DATA_DIR)), "-x")) return DEFAULT_DATA_DIR;
  const id = createHash("sha1").update(process.cwd()).digest("hex").slice(0, 12);
  return path.join("/var/tmp/lockboard", id, "pgdata");
}

export async function ensureDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

/** Creates the database DATABASE_URL names when its server answers but the database is missing. */
async function ensureDatabaseOf(url: string): Promise<void> {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.slice(1));
  if (!name || name === "postgres") return;
  u.pathname = "/postgres";
  await ensureDatabase(u.toString(), name);
}

/**
 * With DATABASE_URL set, migrates that server; otherwise starts the embedded PostgreSQL
 * (data under .lockboard/, git-ignored) and migrates a `lockboard` database on it.
 */
export async function startStore(opts: { dataDir?: string; settings?: Record<string, string> } = {}): Promise<Store> {
  // At start rather than at the first secret sealed: an exposed key file stops the dashboard here.
  secretKeyMaterial();
  const given = process.env.DATABASE_URL;
  if (given) {
    await ensureDatabaseOf(given);
    return { databaseUrl: given, embedded: null, applied: await applyMigrations(given) };
  }
  const embedded = await startEmbeddedPostgres({
    dataDir: opts.dataDir ?? process.env.LOCKBOARD_DATA_DIR ?? defaultDataDir(),
    settings: opts.settings,
  });
  // The superuser stays with the embedded server (embedded.url()): Lockboard connects as its own role.
  const databaseUrl = await embedded.ensureAppDatabase("lockboard");
  return { databaseUrl, embedded, applied: await applyMigrations(databaseUrl) };
}
