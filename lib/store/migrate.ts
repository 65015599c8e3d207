import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { ensureEventPartitions } from "./event-partitions";

export type MigrationRow = { migration_name: string; checksum: string; finished_at: Date | null };

export const MIGRATIONS_DIR = path.resolve(/*turbopackIgnore: true*/ process.cwd(), "prisma/migrations");

// Same table `prisma migrate deploy` creates, so Prisma's own CLI accepts the history.
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

// Arbitrary constant: serializes concurrent deploys (demo + tests starting together).
const MIGRATE_LOCK_KEY = 72707369;

export async function listMigrationFiles(dir = MIGRATIONS_DIR) {
  const names = (await readdir(/*turbopackIgnore: true*/ dir, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(/*turbopackIgnore: true*/ path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

/** Applies pending migrations in order; returns the names it applied. */
export async function applyMigrations(databaseUrl: string, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = await listMigrationFiles(dir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATE_LOCK_KEY]);
    await client.query(CREATE_TABLE);
    const done = await client.query<MigrationRow>(`SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`);
    const byName = new Map(done.rows.map((r) => [r.migration_name, r]));
    for (const file of files) {
      const prior = byName.get(file.name);
      if (prior?.finished_at) {
        if (prior.checksum !== file.checksum) {
          throw new Error(`migration ${file.name} was modified after it was applied (checksum mismatch)`);
        }
        continue;
      }
      if (prior) throw new Error(`migration ${file.name} failed earlier; resolve it before deploying`);
      const id = randomUUID();
      await client.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())`, [
        id,
        file.checksum,
        file.name,
      ]);
      try {
        await client.query("BEGIN");
        await client.query(file.sql);
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK");
        await client.query(`UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1`, [id, String(err)]);
        throw new Error(`migration ${file.name} failed: ${String(err)}`);
      }
      await client.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [id]);
      applied.push(file.name);
    }
    // Every process that opens the store (server, CLI, test) finds today's event partitions made.
    const partitioned = await client.query(`SELECT to_regproc('lockboard_create_event_day') AS f`);
    if (partitioned.rows[0].f) await ensureEventPartitions(client);
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATE_LOCK_KEY]).catch(() => {});
    await client.end();
  }
  return applied;
}

/** Migrations on disk that the database has not finished applying. */
export async function listPendingMigrations(client: pg.ClientBase, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = await listMigrationFiles(dir);
  const exists = await client.query(`SELECT to_regclass('"_prisma_migrations"') AS t`);
  if (!exists.rows[0].t) return files.map((f) => f.name);
  const done = await client.query<{ migration_name: string }>(
    `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  const names = new Set(done.rows.map((r) => r.migration_name));
  return files.filter((f) => !names.has(f.name)).map((f) => f.name);
}
