// For the rollup integration tests: a PostgreSQL stderr log around a given moment, and what the
// store's rollups must hold, recomputed from the events themselves.
import { writeFile } from "node:fs/promises";
import type pg from "pg";

const stamp = (t: number) => new Date(t).toISOString().replace("T", " ").replace("Z", " UTC");

/**
 * `n` concurrency failures every `stepMs` up to `end`: duplicate keys on a few constraints, lock
 * timeouts, deadlocks and connection refusals (several incidents of several kinds), crossing
 * minute and hour boundaries; each a line or a group of lines as PostgreSQL writes them.
 */
export function pgLogAround(end: number, n: number, stepMs: number): string {
  let out = "";
  for (let i = 0; i < n; i++) {
    const t = end - (n - 1 - i) * stepMs;
    const s = stamp(t);
    const pid = 4000 + (i % 13);
    const r = i % 10;
    if (r < 5) {
      const c = ["session_session_uuid_key", "visit_pkey", "website_event_pkey"][i % 3];
      out += `${s} [${pid}] ERROR:  duplicate key value violates unique constraint "${c}"\n`;
      out += `${s} [${pid}] DETAIL:  Key (id)=(${i}) already exists.\n`;
      out += `${s} [${pid}] STATEMENT:  INSERT INTO t (id) VALUES (${i})\n`;
    } else if (r < 7) {
      out += `${s} [${pid}] ERROR:  canceling statement due to lock timeout\n`;
      out += `${s} [${pid}] STATEMENT:  UPDATE session SET n = n + 1 WHERE id = ${i % 4}\n`;
    } else if (r < 9) {
      out += `${s} [${pid}] ERROR:  deadlock detected\n`;
      out += `${s} [${pid}] DETAIL:  Process ${pid} waits for ShareLock on transaction ${1000 + i}; blocked by process ${pid + 1}.\n`;
    } else {
      out += `${s} [${pid}] FATAL:  sorry, too many clients already\n`;
    }
  }
  return out;
}

export async function writePgLogAround(file: string, end: number, n: number, stepMs: number): Promise<void> {
  await writeFile(file, pgLogAround(end, n, stepMs));
}

type Query = Pick<pg.ClientBase, "query">;

/** SourceKindMinute of these sources, and the same recomputed from their events (incident kind, minute). */
export async function kindMinutes(c: Query, sourceIds: number[]) {
  const stored = await c.query(`SELECT minute, "sourceId", kind, count FROM "SourceKindMinute" WHERE "sourceId" = ANY($1::int[]) ORDER BY 1, 2, 3`, [
    sourceIds,
  ]);
  const fromEvents = await c.query(
    `SELECT date_trunc('minute', e."occurredAt" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS minute, e."sourceId", i.kind, count(*)::int AS count
     FROM "Event" e JOIN "Incident" i ON i.id = e."incidentId" WHERE e."sourceId" = ANY($1::int[]) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    [sourceIds],
  );
  return { stored: stored.rows, fromEvents: fromEvents.rows };
}

/** IncidentQuarter of these sources' incidents, and the same recomputed from their events. */
export async function quarters(c: Query, sourceIds: number[]) {
  const stored = await c.query(
    `SELECT q."incidentId", q.quarter, q.count FROM "IncidentQuarter" q JOIN "Incident" i ON i.id = q."incidentId" WHERE i."sourceId" = ANY($1::int[]) ORDER BY 1, 2`,
    [sourceIds],
  );
  const fromEvents = await c.query(
    `SELECT e."incidentId", to_timestamp(floor(extract(epoch FROM e."occurredAt") / 900) * 900) AS quarter, count(*)::int AS count
     FROM "Event" e JOIN "Incident" i ON i.id = e."incidentId" WHERE i."sourceId" = ANY($1::int[]) GROUP BY 1, 2 ORDER BY 1, 2`,
    [sourceIds],
  );
  return { stored: stored.rows, fromEvents: fromEvents.rows };
}

/**
 * Per incident of these sources: its events from `from` on (counted from Event), and what
 * IncidentLastHour holds against the minutes it claims to cover (its invariant).
 */
export async function lastHours(c: Query, sourceIds: number[], from: Date) {
  const { rows } = await c.query<{ id: number; events: number; count: number | null; covered: number | null }>(
    `SELECT i.id,
            (SELECT count(*)::int FROM "Event" e WHERE e."incidentId" = i.id AND e."occurredAt" >= $2) AS events,
            h.count,
            (SELECT coalesce(sum(m.count), 0)::int FROM "IncidentMinute" m WHERE m."incidentId" = i.id AND m.minute >= h.since) AS covered
     FROM "Incident" i LEFT JOIN "IncidentLastHour" h ON h."incidentId" = i.id
     WHERE i."sourceId" = ANY($1::int[]) ORDER BY i.id`,
    [sourceIds, from],
  );
  return rows;
}
