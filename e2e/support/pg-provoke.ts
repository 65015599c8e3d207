import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";

/**
 * Makes a real PostgreSQL raise a real unique violation: two inserts of the same new visitor
 * session, as in the web-analytics race. Returns the session uuid that collided.
 */
export async function provokeUniqueViolation(url: string, table = "session"): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${table} (id bigserial PRIMARY KEY, session_uuid uuid NOT NULL, created_at timestamptz DEFAULT now(), CONSTRAINT ${table}_session_uuid_key UNIQUE (session_uuid))`,
    );
    const uuid = crypto.randomUUID();
    await client.query(`INSERT INTO ${table} (session_uuid) VALUES ($1)`, [uuid]);
    const err = await client.query(`INSERT INTO ${table} (session_uuid) VALUES ($1)`, [uuid]).then(
      () => null,
      (e: { code?: string }) => e,
    );
    if (err?.code !== "23505") throw new Error(`expected 23505, got ${JSON.stringify(err)}`);
    return uuid;
  } finally {
    await client.end();
  }
}

/** The log file (in a log folder, newest first, or the file itself) once it contains `needle`. */
export async function waitForLogLine(logDirOrFile: string, needle: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const candidates = async () =>
    logDirOrFile.endsWith(".log")
      ? [logDirOrFile]
      : (await readdir(logDirOrFile))
          .filter((f) => f.endsWith(".log"))
          .sort()
          .reverse()
          .map((f) => path.join(logDirOrFile, f));
  for (;;) {
    for (const file of await candidates()) {
      if ((await readFile(file, "utf8")).includes(needle)) return file;
    }
    if (Date.now() > deadline) throw new Error(`"${needle}" did not appear in ${logDirOrFile}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function dropTable(url: string, table: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP TABLE IF EXISTS ${table}`).finally(() => client.end());
}
