// Seeds the triage bench store in bulk (INSERT … SELECT generate_series, secondary indexes rebuilt after).
import pg from "pg";

export const SOURCES = ["api", "worker", "app-db", "chat-mongo"] as const;
export const INCIDENTS = 2_000;
export const COLLECTIONS = 20;
export const USERS = 50_000;
/** Events per message id: a request, its retries, the worker's lines. */
export const PER_MESSAGE = 5;
export const SPAN_DAYS = 7;

// Weighted like a real outage store: duplicate keys and lock waits dominate.
const KINDS = [
  "duplicate_key",
  "duplicate_key",
  "duplicate_key",
  "duplicate_key",
  "lock_wait",
  "lock_wait",
  "deadlock",
  "lock_timeout",
  "too_many_connections",
  "fd_exhaustion",
  "storage_busy",
  "upstream_failure",
];

export type SeedFigures = { events: number; links: number; entities: number; seconds: Record<string, number> };

async function timed(c: pg.Client, label: string, secs: Record<string, number>, sql: string, params: unknown[] = []) {
  const t = performance.now();
  const r = await c.query(sql, params);
  secs[label] = (secs[label] ?? 0) + (performance.now() - t) / 1000;
  return r;
}

/**
 * N events over SPAN_DAYS, skewed: the incident of an event is 1 + floor(2000·u³) (the top incident
 * gets ~8 % of all events, most get a handful), the collection of a duplicate key 1 + floor(20·u²);
 * every event carries its message id (PER_MESSAGE consecutive events each), one in five a user id
 * (also skewed). Plus LockSample, CapacitySample, FailedWrite rows for a day.
 */
// Samples every 5 s, seconds $from..$to back from now: a day's worth at seed time, the gap since on a reuse.
const LOCK_SAMPLES = `
  INSERT INTO "LockSample" ("sourceId", "sampledAt", pid, "lockType", mode, granted, "objectKey", "waitMs", "blockingPids", data)
  SELECT $1::int, now() - s * interval '5 seconds', 0, 'summary', '', true, NULL, (s % 50) * 100, '{}'::int[], jsonb_build_object('waiters', s % 7, 'locksTotal', 40 + s % 13, 'stuck', (s % 97 = 0)::int)
  FROM generate_series($2::int, $3::int) s
  UNION ALL
  SELECT $1::int, now() - s * interval '5 seconds', 1000 + w, 'advisory', 'ExclusiveLock', w = 0, 'advisory:16384:0:' || (s / 60 % 500) || ':1', CASE WHEN w = 0 THEN NULL ELSE w * 300 END,
         CASE WHEN w = 0 THEN '{}'::int[] ELSE ARRAY[1000] END, jsonb_build_object('key', (s / 60 % 500)::text, 'application', 'api')
  FROM generate_series($2::int, $3::int) s, generate_series(0, 3) w`;
const CAPACITY_SAMPLES = `
  INSERT INTO "CapacitySample" ("sourceId", "sampledAt", metric, value, "limit", data)
  SELECT $1::int, now() - s * interval '5 seconds', 'pg_connections', 40 + (s % 60), 97, '{}'::jsonb FROM generate_series($3::int, $4::int) s
  UNION ALL SELECT $2::int, now() - s * interval '5 seconds', 'mongo_connections', 100 + (s % 300), 838860, '{}'::jsonb FROM generate_series($3::int, $4::int) s`;

/** Events with ids $4..$5 at times from $6 spread over $7 ms, as the seed distributes them (incidents from $3, sources from $1). */
const TOP_UP_EVENTS = `
  INSERT INTO "Event" (id, "eventKey", "sourceId", "occurredAt", "ingestedAt", kind, severity, message, fingerprint, raw, fields, "incidentId")
  SELECT g, 'bench:' || g, $1 + inc % 4, $6::timestamptz + ((g - $4)::float8 / ($5 - $4 + 1)) * $7::float8 * interval '1 millisecond', now(),
         ($2::text[])[1 + inc % ${KINDS.length}], 'error',
         'E11000 duplicate key error collection: chat.c' || col || ' index: messageId_1 dup key: { messageId: "m' || (g / ${PER_MESSAGE}) || '" }',
         'bench:' || inc,
         '{"level":"error","msg":"E11000 duplicate key error collection: chat.c' || col || '","messageId":"m' || (g / ${PER_MESSAGE}) || '","pid":' || (g % 30000) || '}',
         jsonb_build_object('messageId', 'm' || (g / ${PER_MESSAGE})), $3 + inc - 1
  FROM (SELECT g, floor(${INCIDENTS} * power(random(), 3))::int + 1 AS inc, floor(${COLLECTIONS} * power(random(), 2))::int AS col
        FROM generate_series($4::bigint, $5::bigint) g) x`;

export type TopUp = { seededAt: Date; events: number; seconds: number };

/** The day partitions (migration 20261202000000_event_partitions) of every UTC day from `fromMs` to two days after `toMs`. */
async function makeDays(c: pg.Client, fromMs: number, toMs: number): Promise<void> {
  await c.query(`SELECT lockboard_create_event_day(d::date) FROM generate_series($1::date, $2::date + 2, interval '1 day') d`, [
    new Date(fromMs).toISOString().slice(0, 10),
    new Date(toMs).toISOString().slice(0, 10),
  ]);
}

/**
 * A store seeded by an earlier run (--keep), brought up to now: the events of the time since its
 * newest one at the seed's rate (so "the last hour" and "the last 6 hours" hold what a fresh seed
 * would), counted into the incidents and their minutes as the writer counts them, and the lock and
 * capacity samples since. Null when the store holds no finished seed of `n` events.
 */
export async function topUpTriageStore(url: string, n: number, log: (s: string) => void): Promise<TopUp | null> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const marker = (
      await c
        .query<{ events: string; sources: number[]; seeded_at: Date }>(
          `SELECT events, sources, seeded_at FROM lockboard_bench_seed WHERE to_regclass('lockboard_bench_seed') IS NOT NULL`,
        )
        .catch(() => ({ rows: [] }))
    ).rows[0];
    if (!marker || Number(marker.events) !== n) return null;
    const t = performance.now();
    await c.query(`SET synchronous_commit = off; SET work_mem = '256MB'`);
    const { last, maxId, firstIncident } = (
      await c.query<{ last: Date; maxId: string; firstIncident: number }>(
        `SELECT (SELECT max("occurredAt") FROM "Event") AS last, (SELECT max(id) FROM "Event")::text AS "maxId",
              (SELECT min(id) FROM "Incident" WHERE fingerprint LIKE 'bench:%') AS "firstIncident"`,
      )
    ).rows[0];
    const gapMs = Date.now() - last.getTime();
    const k = Math.floor((n * gapMs) / (SPAN_DAYS * 86_400_000));
    const [s0] = marker.sources;
    if (k > 0) {
      await makeDays(c, last.getTime(), Date.now());
      const from = Number(maxId) + 1;
      log(`topping up ${k.toLocaleString("en-US")} events (${Math.round(gapMs / 60_000)} min since the newest)`);
      await c.query(TOP_UP_EVENTS, [s0, KINDS, firstIncident, from, from + k - 1, new Date(last.getTime() + 1), gapMs - 1]);
      await c.query(`SELECT setval('"Event_id_seq"', $1)`, [from + k - 1]);
      // Counted as the event writer counts a batch (event-sql.ts UPSERT_INCIDENTS): minutes, then the rollups.
      await c.query(
        `
        CREATE TEMP TABLE fresh AS
        SELECT e."incidentId" AS id, i.kind, e."sourceId" AS source, date_trunc('minute', e."occurredAt") AS minute, count(*)::int AS n
        FROM "Event" e JOIN "Incident" i ON i.id = e."incidentId" WHERE e.id >= $1 GROUP BY 1, 2, 3, 4`,
        [from],
      );
      await c.query(`CREATE INDEX ON fresh (id, minute)`);
      await c.query(`
        INSERT INTO "IncidentMinute" ("incidentId", minute, count) SELECT id, minute, n FROM fresh ORDER BY 1, 2
        ON CONFLICT ("incidentId", minute) DO UPDATE SET count = "IncidentMinute".count + EXCLUDED.count`);
      await c.query(`
        INSERT INTO "SourceKindMinute" (minute, "sourceId", kind, count) SELECT minute, source, kind, sum(n)::int FROM fresh GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (minute, "sourceId", kind) DO UPDATE SET count = "SourceKindMinute".count + EXCLUDED.count`);
      await c.query(`
        INSERT INTO "IncidentQuarter" ("incidentId", quarter, count)
        SELECT id, date_bin('15 minutes', minute, TIMESTAMPTZ '1970-01-01 00:00:00+00'), sum(n)::int FROM fresh GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT ("incidentId", quarter) DO UPDATE SET count = "IncidentQuarter".count + EXCLUDED.count`);
      await c.query(`
        INSERT INTO "IncidentLastHour" ("incidentId", since, count)
        SELECT id, date_trunc('minute', now() - interval '1 hour'), (coalesce(sum(n) FILTER (WHERE minute >= date_trunc('minute', now() - interval '1 hour')), 0))::int FROM fresh GROUP BY 1 ORDER BY 1
        ON CONFLICT ("incidentId") DO UPDATE SET count = "IncidentLastHour".count + (SELECT coalesce(sum(f.n), 0) FROM fresh f WHERE f.id = EXCLUDED."incidentId" AND f.minute >= "IncidentLastHour".since)::int`);
      await c.query(`DROP TABLE fresh`);
      await c.query(
        `
        UPDATE "Incident" i SET count = i.count + e.n, "lastSeen" = GREATEST(i."lastSeen", e.last)
        FROM (SELECT "incidentId", count(*)::int AS n, max("occurredAt") AS last FROM "Event" WHERE id >= $1 AND "incidentId" IS NOT NULL GROUP BY 1) e
        WHERE e."incidentId" = i.id`,
        [from],
      );
    }
    const gapSamples = Math.min(17279, Math.floor(gapMs / 5000));
    if (gapSamples > 0) {
      await c.query(LOCK_SAMPLES, [marker.sources[2], 0, gapSamples - 1]);
      await c.query(CAPACITY_SAMPLES, [marker.sources[2], marker.sources[3], 0, gapSamples - 1]);
    }
    // As autovacuum would: also marks the pages all-visible that the rollups' index-only scans need.
    await c.query(`VACUUM ANALYZE`);
    return { seededAt: marker.seeded_at, events: k, seconds: (performance.now() - t) / 1000 };
  } finally {
    await c.end();
  }
}

export async function seedTriageStore(url: string, n: number, log: (s: string) => void): Promise<SeedFigures> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const secs: Record<string, number> = {};
  try {
    await c.query(`SET synchronous_commit = off; SET maintenance_work_mem = '1GB'; SET max_parallel_maintenance_workers = 2; SET work_mem = '256MB'`);
    const srcIds = (
      await c.query<{ id: number }>(
        `INSERT INTO "Source" (name, kind, "updatedAt", "healthStatus") SELECT name, CASE WHEN name = 'app-db' THEN 'postgres' WHEN name = 'chat-mongo' THEN 'mongodb' ELSE 'log' END, now(), 'up'
       FROM unnest($1::text[]) AS name RETURNING id`,
        [SOURCES],
      )
    ).rows.map((r) => r.id);
    const [s0] = srcIds;
    await c.query(`SELECT setval('"Incident_id_seq"', 1, false)`).catch(() => {});
    await c.query(
      `INSERT INTO "Incident" (fingerprint, kind, title, "sourceId", "firstSeen", "lastSeen", count, status)
       SELECT 'bench:' || i, ($2::text[])[1 + i % ${KINDS.length}], 'Bench incident ' || i || ' (' || ($2::text[])[1 + i % ${KINDS.length}] || ')', $1 + i % 4, now(), now(), 0,
              CASE WHEN i % 7 = 0 THEN 'resolved' WHEN i % 11 = 0 THEN 'acknowledged' ELSE 'open' END
       FROM generate_series(1, ${INCIDENTS}) i`,
      [s0, KINDS],
    );
    const firstIncident = (await c.query<{ id: number }>(`SELECT min(id) AS id FROM "Incident" WHERE fingerprint LIKE 'bench:%'`)).rows[0].id;

    // Each day its own partition, as the retention job keeps them (a few hours past SPAN_DAYS: the seed's first events).
    await makeDays(c, Date.now() - (SPAN_DAYS + 1) * 86_400_000, Date.now());
    // Secondary indexes are dropped for the load and rebuilt after (whatever set the migrations made). On the
    // partitioned parents: a drop takes every partition's index, and the definition without ONLY builds them all again.
    const idx = (
      await c.query<{ indexname: string; indexdef: string }>(
        `SELECT indexname, replace(indexdef, ' ON ONLY ', ' ON ') AS indexdef FROM pg_indexes WHERE tablename IN ('Event', 'EventEntity') AND indexname NOT LIKE '%pkey'`,
      )
    ).rows;
    for (const i of idx) await c.query(`DROP INDEX "${i.indexname}"`);

    const chunk = 1_000_000;
    const t0 = `now() - interval '${SPAN_DAYS} days'`;
    for (let from = 1; from <= n; from += chunk) {
      const to = Math.min(n, from + chunk - 1);
      log(`events ${from.toLocaleString("en-US")}–${to.toLocaleString("en-US")}`);
      await timed(
        c,
        "events",
        secs,
        `
        INSERT INTO "Event" (id, "eventKey", "sourceId", "occurredAt", "ingestedAt", kind, severity, message, fingerprint, raw, fields, "incidentId")
        SELECT g, 'bench:' || g, $1 + inc % 4, ${t0} + (g::float8 / $2) * interval '${SPAN_DAYS} days', now(),
               ($3::text[])[1 + inc % ${KINDS.length}], 'error',
               'E11000 duplicate key error collection: chat.c' || col || ' index: messageId_1 dup key: { messageId: "m' || (g / ${PER_MESSAGE}) || '" }',
               'bench:' || inc,
               '{"level":"error","msg":"E11000 duplicate key error collection: chat.c' || col || '","messageId":"m' || (g / ${PER_MESSAGE}) || '","pid":' || (g % 30000) || '}',
               jsonb_build_object('messageId', 'm' || (g / ${PER_MESSAGE})), $4 + inc - 1
        FROM (SELECT g, floor(${INCIDENTS} * power(random(), 3))::int + 1 AS inc, floor(${COLLECTIONS} * power(random(), 2))::int AS col
              FROM generate_series($5::bigint, $6::bigint) g) x`,
        [s0, n, KINDS, firstIncident, from, to],
      );
    }
    await c.query(`SELECT setval('"Event_id_seq"', $1)`, [n]);

    log("entities");
    await timed(
      c,
      "entities",
      secs,
      `
      INSERT INTO "Entity" (type, value, "firstSeen", "lastSeen")
      SELECT 'messageId', 'm' || k, ${t0} + ((k * ${PER_MESSAGE})::float8 / $1) * interval '${SPAN_DAYS} days', ${t0} + (((k + 1) * ${PER_MESSAGE})::float8 / $1) * interval '${SPAN_DAYS} days'
      FROM generate_series(0, $1 / ${PER_MESSAGE}) k
      UNION ALL SELECT 'collection', 'chat.c' || k, ${t0}, now() FROM generate_series(0, ${COLLECTIONS - 1}) k
      UNION ALL SELECT 'userId', 'u' || k, ${t0}, now() FROM generate_series(0, ${USERS - 1}) k`,
      [n],
    );
    const ent = (await c.query<{ type: string; min: number }>(`SELECT type, min(id)::int AS min FROM "Entity" GROUP BY type`)).rows;
    const base = Object.fromEntries(ent.map((r) => [r.type, r.min]));
    for (let from = 1; from <= n; from += chunk) {
      const to = Math.min(n, from + chunk - 1);
      log(`links ${from.toLocaleString("en-US")}–${to.toLocaleString("en-US")}`);
      // messageId k = g / PER_MESSAGE has entity id base + k (inserted in order); collections and users likewise.
      await timed(
        c,
        "links",
        secs,
        `
        INSERT INTO "EventEntity" ("eventId", "entityId", role, "occurredAt", noise)
        SELECT e.id, $1 + (e.id / ${PER_MESSAGE})::int, NULL, e."occurredAt", e.noise FROM "Event" e WHERE e.id BETWEEN $4 AND $5
        UNION ALL
        SELECT e.id, $2 + substring(e.message FROM 'chat\\.c(\\d+)')::int, NULL, e."occurredAt", e.noise FROM "Event" e WHERE e.id BETWEEN $4 AND $5 AND e.kind = 'duplicate_key'
        UNION ALL
        SELECT e.id, $3 + floor(${USERS} * power(random(), 2))::int, NULL, e."occurredAt", e.noise FROM "Event" e WHERE e.id BETWEEN $4 AND $5 AND e.id % 5 = 0`,
        [base.messageId, base.collection, base.userId, from, to],
      );
    }

    log("rebuilding indexes");
    for (const i of idx) await timed(c, "indexes", secs, i.indexdef);

    log("incident counts and minutes");
    await timed(
      c,
      "rollups",
      secs,
      `
      INSERT INTO "IncidentMinute" ("incidentId", minute, count)
      SELECT "incidentId", date_trunc('minute', "occurredAt"), count(*)::int FROM "Event" WHERE "incidentId" IS NOT NULL GROUP BY 1, 2`,
    );
    // The Overview's and the rate sort's rollups, as the migration that added them fills them.
    await timed(
      c,
      "rollups",
      secs,
      `
      INSERT INTO "SourceKindMinute" (minute, "sourceId", kind, count)
      SELECT m.minute, i."sourceId", i.kind, sum(m.count)::int FROM "IncidentMinute" m JOIN "Incident" i ON i.id = m."incidentId" GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    );
    await timed(
      c,
      "rollups",
      secs,
      `
      INSERT INTO "IncidentQuarter" ("incidentId", quarter, count)
      SELECT "incidentId", date_bin('15 minutes', minute, TIMESTAMPTZ '1970-01-01 00:00:00+00'), sum(count)::int FROM "IncidentMinute" GROUP BY 1, 2 ORDER BY 2, 1`,
    );
    await timed(
      c,
      "rollups",
      secs,
      `
      INSERT INTO "IncidentLastHour" ("incidentId", since, count)
      SELECT "incidentId", date_trunc('minute', now() - interval '1 hour'), (sum(count) FILTER (WHERE minute >= date_trunc('minute', now() - interval '1 hour')))::int
      FROM "IncidentMinute" GROUP BY 1`,
    );
    await timed(
      c,
      "rollups",
      secs,
      `
      UPDATE "Incident" i SET count = m.n, "firstSeen" = m.first, "lastSeen" = m.last
      FROM (SELECT "incidentId", sum(count)::int AS n, min(minute) AS first, max(minute) + interval '59 seconds' AS last FROM "IncidentMinute" GROUP BY 1) m
      WHERE m."incidentId" = i.id`,
    );

    log("lock, capacity and failed-write rows");
    await timed(c, "other", secs, LOCK_SAMPLES, [srcIds[2], 0, 17279]);
    await timed(c, "other", secs, CAPACITY_SAMPLES, [srcIds[2], srcIds[3], 0, 17279]);
    await timed(
      c,
      "other",
      secs,
      `
      INSERT INTO "FailedWrite" ("sourceId", namespace, operation, "idempotencyKey", "keyHash", payload, error, "errorKind", status, "occurredAt", "updatedAt")
      SELECT $1::int, 'chat.messages', 'insert', jsonb_build_object('messageId', 'm' || (k * 97 % ($2::bigint / ${PER_MESSAGE}))), md5(k::text), jsonb_build_object('text', 'hello'),
             'E11000 duplicate key error', 'duplicate_key', CASE WHEN k % 3 = 0 THEN 'applied' ELSE 'pending' END, now() - (k % 10080) * interval '1 minute', now()
      FROM generate_series(1, 100000) k`,
      [srcIds[3], n],
    );

    log("analyze");
    // Steady state: autovacuum has run (it also flushes the GIN indexes' pending lists).
    await timed(c, "analyze", secs, `VACUUM ANALYZE`);
    // What a later run with --keep reuses (topUpTriageStore): written last, so a seed cut short is seeded again.
    await c.query(`CREATE TABLE lockboard_bench_seed (events bigint NOT NULL, sources int[] NOT NULL, seeded_at timestamptz NOT NULL DEFAULT now())`);
    await c.query(`INSERT INTO lockboard_bench_seed (events, sources) VALUES ($1, $2)`, [n, srcIds]);
    const links = Number((await c.query(`SELECT count(*) FROM "EventEntity"`)).rows[0].count);
    const entities = Number((await c.query(`SELECT count(*) FROM "Entity"`)).rows[0].count);
    return { events: n, links, entities, seconds: secs };
  } finally {
    await c.end();
  }
}
