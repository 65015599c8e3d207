// No "server-only" here: the CLI (serve.ts) and the test helpers (e2e/support) create roles with it too.
import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * An ordinary application role, as real apps connect with: LOGIN, no superuser, no replication,
 * no role or database creation. Created (or made ordinary again and given a new password) through
 * a superuser URL; returns the URL that logs in as it. The password is random at every call:
 * sessions already open keep working, new ones use the URL returned here.
 */
export async function ensureAppRole(superUrl: string, role: string, opts: { database?: string; ownsDatabase?: boolean } = {}): Promise<string> {
  const password = randomBytes(18).toString("base64url");
  const admin = new pg.Client({ connectionString: superUrl });
  await admin.connect();
  try {
    const exists = (await admin.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role])).rowCount! > 0;
    const attrs = "LOGIN NOSUPERUSER NOREPLICATION NOCREATEROLE NOCREATEDB NOBYPASSRLS";
    await run(admin, `SELECT format('${exists ? "ALTER" : "CREATE"} ROLE %I ${attrs} PASSWORD %L', $1::text, $2::text) AS sql`, [role, password]);
    if (opts.database && opts.ownsDatabase) {
      const db = (await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [opts.database])).rowCount! > 0;
      await run(admin, `SELECT format('${db ? "ALTER DATABASE %I OWNER TO %I" : "CREATE DATABASE %I OWNER %I"}', $1::text, $2::text) AS sql`, [
        opts.database,
        role,
      ]);
    }
  } finally {
    await admin.end();
  }
  if (opts.database && opts.ownsDatabase) await adoptTables(withDatabase(superUrl, opts.database), role);
  const u = new URL(withDatabase(superUrl, opts.database ?? new URL(superUrl).pathname.slice(1)));
  u.username = encodeURIComponent(role);
  u.password = encodeURIComponent(password);
  return u.toString();
}

/** Tables an earlier run created as the superuser become the app role's, so it can use and drop them. */
async function adoptTables(dbUrl: string, role: string): Promise<void> {
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ sql: string }>(
      `SELECT format('ALTER TABLE %I.%I OWNER TO %I', schemaname, tablename, $1::text) AS sql FROM pg_tables
       WHERE schemaname NOT IN ('pg_catalog', 'information_schema') AND tableowner <> $1`,
      [role],
    );
    for (const r of rows) await c.query(r.sql);
  } finally {
    await c.end();
  }
}

async function run(c: pg.Client, build: string, params: string[]): Promise<void> {
  const sql = (await c.query<{ sql: string }>(build, params)).rows[0]!.sql;
  await c.query(sql);
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** Drops a role a test created (its sessions must have ended); ignores one already gone. */
export async function dropAppRole(superUrl: string, role: string): Promise<void> {
  const admin = new pg.Client({ connectionString: superUrl });
  await admin.connect();
  try {
    await run(admin, "SELECT format('DROP ROLE IF EXISTS %I', $1::text) AS sql", [role]);
  } finally {
    await admin.end();
  }
}
