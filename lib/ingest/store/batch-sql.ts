import "server-only";

/** A statement runner on one of the writer's connections (write-batch.ts runnerOn). */
export type SqlRunner = { exec(sql: string, params?: unknown[]): Promise<number> };

// Arbitrary constant: one staged writer per source at a time, so two runs over the same events
// cannot both find them new and count them into their incident. (The writer's direct path needs
// no such lock: Event's unique key stops its COPY, and the batch is redone staged.)
const WRITE_LOCK = 72707370;

export type StoreResult = { inserted: number; duplicates: number; incidents: number };

/**
 * What every batch transaction starts with: the source row found and locked. (How it commits is
 * the writer's commit mode, event-writer.ts.) Event has no
 * foreign key to Source (one check per batch instead of one per row): the lock keeps the source
 * until commit, and the last statement's row count says whether it exists.
 */
export function batchStartStatements(sourceId: number): string[] {
  if (!Number.isSafeInteger(sourceId)) throw new Error(`source id must be an integer, got ${sourceId}`);
  return [`SET LOCAL work_mem = '64MB'`, `SELECT 1 FROM "Source" WHERE id = ${sourceId} FOR KEY SHARE`];
}

export const sourceMissing = (sourceId: number) => new Error(`source ${sourceId} does not exist (deleted while ingesting?)`);

/** The source's writer lock for the transaction (re-entrant), for a staged check-then-insert. */
export async function takeSourceWriteLock(sql: SqlRunner, sourceId: number): Promise<void> {
  await sql.exec(`SELECT pg_advisory_xact_lock(${WRITE_LOCK}, $1)`, [sourceId]);
}

/** Text PostgreSQL accepts: no NUL, no lone UTF-16 surrogates. */
type WellFormed = { isWellFormed(): boolean; toWellFormed(): string };
export function pgText(s: string): string {
  const ws = s as unknown as WellFormed; // ES2024 string methods, present in Node 20
  const w = ws.isWellFormed() ? s : ws.toWellFormed();
  return w.includes("\u0000") ? w.replaceAll("\u0000", "\uFFFD") : w;
}

/** Keys too: a pushed `{"c":{"a\u0000":1}}` lands in an event's fields as it came. */
const pgKeys = (o: object) => (Object.keys(o).some((k) => pgText(k) !== k) ? Object.fromEntries(Object.entries(o).map(([k, v]) => [pgText(k), v])) : o);

/** JSON jsonb accepts (it rejects \u0000 and unpaired surrogate escapes, in values and in keys). */
export function pgJson(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    typeof x === "string" ? pgText(x) : typeof x === "bigint" ? x.toString() : x !== null && typeof x === "object" && !Array.isArray(x) ? pgKeys(x) : x,
  );
}

/** The same JSON as pgJson, by JSON.stringify's fast path unless its output has a `\u` escape or it meets a bigint. */
export function jsonbText(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v);
  } catch {
    return pgJson(v); // a bigint
  }
  return s.includes("\\u") ? pgJson(v) : s;
}

export type Checkpoint = { stream: string; fileId: string; offset: number };

/** Saved after its batch, once every earlier batch of its stream has committed (event-writer.ts). */
export async function saveCheckpointIn(sql: SqlRunner, sourceId: number, cp: Checkpoint): Promise<void> {
  await sql.exec(
    `INSERT INTO "IngestCheckpoint" ("sourceId","stream","fileId","offset","updatedAt") VALUES ($1, $2, $3, $4, now())
     ON CONFLICT ("sourceId","stream") DO UPDATE SET "fileId" = EXCLUDED."fileId", "offset" = EXCLUDED."offset", "updatedAt" = now()`,
    [sourceId, cp.stream, cp.fileId, cp.offset],
  );
}
