import pg from "pg";

// What decides the ingest figures, printed with them: the server and its durability settings.
const SETTINGS = ["fsync", "full_page_writes", "synchronous_commit", "wal_compression", "shared_buffers", "wal_buffers", "max_wal_size", "checkpoint_timeout"];

export async function describeStoreSettings(databaseUrl: string): Promise<string> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const version = (await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v;
    const rows = (
      await c.query<{ name: string; setting: string }>("SELECT name, current_setting(name) AS setting FROM pg_settings WHERE name = ANY($1)", [SETTINGS])
    ).rows;
    const byName = new Map(rows.map((r) => [r.name, r.setting]));
    return `PostgreSQL ${version}, ${SETTINGS.map((n) => `${n}=${byName.get(n)}`).join(", ")}; the ingest writer's sessions: synchronous_commit=off`;
  } finally {
    await c.end();
  }
}

export const databaseOf = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));

export function serverUrlOf(url: string): string {
  const u = new URL(url);
  u.pathname = "/postgres";
  return u.toString();
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await c.end();
  }
}

export async function databaseExists(serverUrl: string, name: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    return ((await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount ?? 0) > 0;
  } finally {
    await c.end();
  }
}
