import "server-only";
import type pg from "pg";

// Event and EventEntity are partitioned by class ("noise") and UTC day (migration
// 20261202000000_event_partitions). This module makes days ahead and drops days past retention,
// each DDL statement on its own under a lock_timeout, tried again a few times, then at the next run.

export type EventClass = "signal" | "noise";
export const EVENT_CLASSES: EventClass[] = ["signal", "noise"];
const TABLES = ["Event", "EventEntity"] as const;

export type RetentionDays = Record<EventClass, number>;

export const DAY_MS = 86_400_000;
/** Days made ahead of today, so at the day change the writer finds the new day made already. */
export const DAYS_AHEAD = 2;
// None of these statements holds back readers or writers while it waits (ATTACH and DETACH
// CONCURRENTLY take SHARE UPDATE EXCLUSIVE on the parent, which conflicts with neither), so they
// may wait long; the drop locks only a table already detached, which no new query sees.
const TIMEOUT = { attach: "10s", detach: "60s", drop: "2s" } as const;
const TRIES = 3;

export const utcDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Retention in days from the environment: LOCKBOARD_EVENT_RETENTION_DAYS (14) and LOCKBOARD_NOISE_RETENTION_DAYS (3). */
export function retentionFromEnv(env: Record<string, string | undefined> = process.env): RetentionDays {
  const read = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const n = /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > 3650) throw new Error(`${name} must be a whole number of days from 1 to 3650 (got ${JSON.stringify(raw)})`);
    return n;
  };
  const signal = read("LOCKBOARD_EVENT_RETENTION_DAYS", 14);
  // Noise is never kept longer than the events it sits among.
  return { signal, noise: Math.min(signal, read("LOCKBOARD_NOISE_RETENTION_DAYS", 3)) };
}

/** The first day kept: a day's partition is dropped once all of it is older than `days` days before today. */
export const cutoffOf = (nowMs: number, days: number) => utcDay(nowMs) - (days - 1) * DAY_MS;

/** `run` with a short lock_timeout (on its own, outside any transaction), tried again when it could not take its lock in time. */
async function withLockTimeout<T>(c: pg.ClientBase, timeout: string, run: () => Promise<T>): Promise<T> {
  await c.query(`SET lock_timeout = '${timeout}'`);
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (err) {
        if ((err as { code?: string }).code !== "55P03" || attempt === TRIES) throw err;
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  } finally {
    await c.query("RESET lock_timeout").catch(() => {});
  }
}

/** Makes `day`'s partitions of both tables for `classes`; returns how many it made. */
export async function createEventDay(c: pg.ClientBase, dayMs: number, classes: EventClass[]): Promise<number> {
  if (classes.length === 0) return 0;
  return withLockTimeout(
    c,
    TIMEOUT.attach,
    async () => (await c.query<{ n: number }>(`SELECT lockboard_create_event_day($1::date, $2::text[]) AS n`, [isoDay(dayMs), classes])).rows[0].n,
  );
}

/**
 * Makes the partitions of yesterday (for a late line), today and DAYS_AHEAD days ahead, for each
 * class that keeps that day. Returns the days it made partitions for.
 */
export async function ensureEventPartitions(c: pg.ClientBase, nowMs = Date.now(), retention = retentionFromEnv()): Promise<string[]> {
  const today = utcDay(nowMs);
  const made: string[] = [];
  for (let d = -1; d <= DAYS_AHEAD; d++) {
    const day = today + d * DAY_MS;
    if ((await createEventDay(c, day, keptOn(day, nowMs, retention))) > 0) made.push(isoDay(day));
  }
  return made;
}

/** The classes whose retention keeps `dayMs` at `nowMs`. */
export const keptOn = (dayMs: number, nowMs: number, retention: RetentionDays): EventClass[] =>
  EVENT_CLASSES.filter((cls) => dayMs >= cutoffOf(nowMs, retention[cls]));

export type DroppedPartitions = { class: EventClass; keptFrom: string; dropped: string[] };

/**
 * Drops each class's day partitions older than its retention (both tables) and records the first
 * day kept (EventRetention). Each is detached CONCURRENTLY first (SHARE UPDATE EXCLUSIVE: readers
 * and writers go on; it waits for the queries that may still see it), then dropped, which then
 * locks only the detached table. A detach cut short (a crash) is finished on the next pass.
 */
export async function dropExpiredEvents(c: pg.ClientBase, nowMs = Date.now(), retention = retentionFromEnv()): Promise<DroppedPartitions[]> {
  const out: DroppedPartitions[] = [];
  for (const cls of EVENT_CLASSES) {
    const keptFrom = cutoffOf(nowMs, retention[cls]);
    const dropped: string[] = [];
    for (const table of TABLES) {
      const parent = `${table}_${cls}`;
      for (const leaf of await listDayPartitions(c, parent)) {
        if (leaf.dayMs >= keptFrom) continue;
        await withLockTimeout(c, TIMEOUT.detach, () => detach(c, parent, leaf.name));
        await withLockTimeout(c, TIMEOUT.drop, () => c.query(`DROP TABLE IF EXISTS "${leaf.name}"`));
        dropped.push(leaf.name);
      }
    }
    const gone = dropped.length > 0;
    await c.query(
      `INSERT INTO "EventRetention" ("class","days","keptFrom","droppedPartitions","lastRunAt") VALUES ($1, $2, $3, $4, now())
       ON CONFLICT ("class") DO UPDATE SET "days" = EXCLUDED."days", "lastRunAt" = now(),
         "droppedPartitions" = "EventRetention"."droppedPartitions" + EXCLUDED."droppedPartitions",
         "keptFrom" = CASE WHEN $5 THEN GREATEST("EventRetention"."keptFrom", EXCLUDED."keptFrom") ELSE "EventRetention"."keptFrom" END`,
      [cls, retention[cls], gone ? new Date(keptFrom) : null, dropped.filter((n) => n.startsWith("Event_")).length, gone],
    );
    out.push({ class: cls, keptFrom: isoDay(keptFrom), dropped });
  }
  return out;
}

const ENTITY_BATCH = 5_000;

/**
 * Deletes the entities last seen before the first signal day kept: every event naming them is
 * gone, so their timeline is empty (failed writes keyed by them are found by key, not through
 * this row). In batches, oldest rows first, so a pass holds few row locks at a time; bounded per
 * pass, the rest next pass. (Entity is the one table that grows with every new key, a session id
 * or message id a line: without this the store grows however its events are dropped.)
 * A batch that found one of them before it went writes itself again (MISSING_ENTITIES).
 */
export async function pruneEntities(c: pg.ClientBase, nowMs = Date.now(), retention = retentionFromEnv(), maxBatches = 200): Promise<number> {
  const before = new Date(cutoffOf(nowMs, retention.signal));
  let deleted = 0;
  for (let i = 0; i < maxBatches; i++) {
    const res = await c.query(
      `DELETE FROM "Entity" WHERE id IN (SELECT id FROM "Entity" WHERE "lastSeen" < $1 ORDER BY id LIMIT ${ENTITY_BATCH} FOR UPDATE SKIP LOCKED)`,
      [before],
    );
    deleted += res.rowCount ?? 0;
    if ((res.rowCount ?? 0) < ENTITY_BATCH) break;
  }
  return deleted;
}

/** Detaches `leaf` concurrently, or finishes its detach when one was cut short (a timeout, a crash). */
async function detach(c: pg.ClientBase, parent: string, leaf: string): Promise<void> {
  const { rows } = await c.query<{ pending: boolean }>(`SELECT i.inhdetachpending AS pending FROM pg_inherits i WHERE i.inhrelid = to_regclass($1)`, [
    `"${leaf}"`,
  ]);
  if (rows.length === 0) return;
  await c.query(`ALTER TABLE "${parent}" DETACH PARTITION "${leaf}" ${rows[0].pending ? "FINALIZE" : "CONCURRENTLY"}`);
}

/** The day partitions under `parent` ("Event_signal", …), oldest first. */
export async function listDayPartitions(c: pg.ClientBase, parent: string): Promise<{ name: string; dayMs: number }[]> {
  const { rows } = await c.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = to_regclass($1) AND c.relname ~ '_p[0-9]{8}$' ORDER BY c.relname`,
    [`"${parent}"`],
  );
  return rows.map((r) => {
    const d = r.name.slice(-8);
    return { name: r.name, dayMs: Date.UTC(Number(d.slice(0, 4)), Number(d.slice(4, 6)) - 1, Number(d.slice(6, 8))) };
  });
}

/** A row's (UTC day, class) as one number, `day * 2 + noise`: the partition it lands in. */
export const dayClassKey = (ms: number, noise: boolean) => Math.floor(ms / DAY_MS) * 2 + (noise ? 1 : 0);
