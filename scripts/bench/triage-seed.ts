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
const KINDS = ["duplicate_key", "duplicate_key", "duplicate_key", "duplicate_key", "lock_wait", "lock_wait", "deadlock", "lock_timeout", "too_many_connections", "fd_exhaustion", "storage_busy", "upstream_failure"];

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
export async function seedTriageStore(url: string, n: number, log: (s: string) => void): Promise<SeedFigures> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const secs: Record<string, number> = {};
  try {
    await c.query(`SET synchronous_commit = off; SET maintenance_work_mem = '1GB'; SET max_parallel_maintenance_workers = 2; SET work_mem = '256MB'`);
    const srcIds = (await c.query<{ id: number }>(
      `INSERT INTO "Source" (name, kind, "updatedAt", "healthStatus") SELECT name, CASE WHEN name = 'app-db' THEN 'postgres' WHEN name = 'chat-mongo' THEN 'mongodb' ELSE 'log' END, now(), 'up'
       FROM unnest($1::text[]) AS name RETURNING id`, [SOURCES],
    )).rows.map((r) => r.id);
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

    // Secondary indexes are dropped for the load and rebuilt after (whatever set the migrations made).
    const idx = (await c.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('Event', 'EventEntity') AND indexname NOT LIKE '%pkey'`,
    )).rows;
    for (const i of idx) await c.query(`DROP INDEX "${i.indexname}"`);

    const chunk = 1_000_000;
    const t0 = `now() - interval '${SPAN_DAYS} days'`;
    for (let from = 1; from <= n; from += chunk) {
      const to = Math.min(n, from + chunk - 1);
      log(`events ${from.toLocaleString("en-US")}–${to.toLocaleString("en-US")}`);
      await timed(c, "events", secs, `
        INSERT INTO "Event" (id, "eventKey", "sourceId", "occurredAt", "ingestedAt", kind, severity, message, fingerprint, raw, fields, "incidentId")
        SELECT g, 'bench:' || g, $1 + inc % 4, ${t0} + (g::float8 / $2) * interval '${SPAN_DAYS} days', now(),
               ($3::text[])[1 + inc % ${KINDS.length}], 'error',
               'E11000 duplicate key error collection: chat.c' || col || ' index: messageId_1 dup key: { messageId: "m' || (g / ${PER_MESSAGE}) || '" }',
               'bench:' || inc,
               '{"level":"error","msg":"E11000 duplicate key error collection: chat.c' || col || '","messageId":"m' || (g / ${PER_MESSAGE}) || '","pid":' || (g % 30000) || '}',
               jsonb_build_object('messageId', 'm' || (g / ${PER_MESSAGE})), $4 + inc - 1
        FROM (SELECT g, floor(${INCIDENTS} * power(random(), 3))::int + 1 AS inc, floor(${COLLECTIONS} * power(random(), 2))::int AS col
              FROM generate_series($5::bigint, $6::bigint) g) x`,
        [s0, n, KINDS, firstIncident, from, to]);
    }
    await c.query(`SELECT setval('"Event_id_seq"', $1)`, [n]);

    log("entities");
    await timed(c, "entities", secs, `
      INSERT INTO "Entity" (type, value, "firstSeen", "lastSeen")
      SELECT 'messageId', 'm' || k, ${t0} + ((k * ${PER_MESSAGE})::float8 / $1) * interval '${SPAN_DAYS} days', ${t0} + (((k + 1) * ${PER_MESSAGE})::float8 / $1) * interval '${SPAN_DAYS} days'
      FROM generate_series(0, $1 / ${PER_MESSAGE}) k
      UNION ALL SELECT 'collection', 'chat.c' || k, ${t0}, now() FROM generate_series(0, ${COLLECTIONS - 1}) k
      UNION ALL SELECT 'userId', 'u' || k, ${t0}, now() FROM generate_series(0, ${USERS - 1}) k`, [n]);
    const ent = (await c.query<{ type: string; min: number }>(`SELECT type, min(id)::int AS min FROM "Entity" GROUP BY type`)).rows;
    const base = Object.fromEntries(ent.map((r) => [r.type, r.min]));
    for (let from = 1; from <= n; from += chunk) {
      const to = Math.min(n, from + chunk - 1);
      log(`links ${from.toLocaleString("en-US")}–${to.toLocaleString("en-US")}`);
      // messageId k = g / PER_MESSAGE has entity id base + k (inserted in order); collections and users likewise.
      await timed(c, "links", secs, `
        INSERT INTO "EventEntity" ("eventId", "entityId", role)
        SELECT g, $1 + (g / ${PER_MESSAGE})::int, NULL FROM generate_series($4::bigint, $5::bigint) g
        UNION ALL
        SELECT e.id, $2 + substring(e.message FROM 'chat\\.c(\\d+)')::int, NULL FROM "Event" e WHERE e.id BETWEEN $4 AND $5 AND e.kind = 'duplicate_key'
        UNION ALL
        SELECT g, $3 + floor(${USERS} * power(random(), 2))::int, NULL FROM generate_series($4::bigint, $5::bigint) g WHERE g % 5 = 0`,
        [base.messageId, base.collection, base.userId, from, to]);
    }

    log("rebuilding indexes");
    for (const i of idx) await timed(c, "indexes", secs, i.indexdef);

    log("incident counts and minutes");
    await timed(c, "rollups", secs, `
      INSERT INTO "IncidentMinute" ("incidentId", minute, count)
      SELECT "incidentId", date_trunc('minute', "occurredAt"), count(*)::int FROM "Event" WHERE "incidentId" IS NOT NULL GROUP BY 1, 2`);
    await timed(c, "rollups", secs, `
      UPDATE "Incident" i SET count = m.n, "firstSeen" = m.first, "lastSeen" = m.last
      FROM (SELECT "incidentId", sum(count)::int AS n, min(minute) AS first, max(minute) + interval '59 seconds' AS last FROM "IncidentMinute" GROUP BY 1) m
      WHERE m."incidentId" = i.id`);

    log("lock, capacity and failed-write rows");
    const pgSource = srcIds[2];
    await timed(c, "other", secs, `
      INSERT INTO "LockSample" ("sourceId", "sampledAt", pid, "lockType", mode, granted, "objectKey", "waitMs", "blockingPids", data)
      SELECT $1::int, now() - s * interval '5 seconds', 0, 'summary', '', true, NULL, (s % 50) * 100, '{}'::int[], jsonb_build_object('waiters', s % 7, 'locksTotal', 40 + s % 13, 'stuck', (s % 97 = 0)::int)
      FROM generate_series(0, 17279) s
      UNION ALL
      SELECT $1::int, now() - s * interval '5 seconds', 1000 + w, 'advisory', 'ExclusiveLock', w = 0, 'advisory:16384:0:' || (s / 60 % 500) || ':1', CASE WHEN w = 0 THEN NULL ELSE w * 300 END,
             CASE WHEN w = 0 THEN '{}'::int[] ELSE ARRAY[1000] END, jsonb_build_object('key', (s / 60 % 500)::text, 'application', 'api')
      FROM generate_series(0, 17279) s, generate_series(0, 3) w`, [pgSource]);
    await timed(c, "other", secs, `
      INSERT INTO "CapacitySample" ("sourceId", "sampledAt", metric, value, "limit", data)
      SELECT $1::int, now() - s * interval '5 seconds', 'pg_connections', 40 + (s % 60), 97, '{}'::jsonb FROM generate_series(0, 17279) s
      UNION ALL SELECT $2::int, now() - s * interval '5 seconds', 'mongo_connections', 100 + (s % 300), 838860, '{}'::jsonb FROM generate_series(0, 17279) s`, [pgSource, srcIds[3]]);
    await timed(c, "other", secs, `
      INSERT INTO "FailedWrite" ("sourceId", namespace, operation, "idempotencyKey", "keyHash", payload, error, "errorKind", status, "occurredAt", "updatedAt")
      SELECT $1::int, 'chat.messages', 'insert', jsonb_build_object('messageId', 'm' || (k * 97 % ($2::bigint / ${PER_MESSAGE}))), md5(k::text), jsonb_build_object('text', 'hello'),
             'E11000 duplicate key error', 'duplicate_key', CASE WHEN k % 3 = 0 THEN 'applied' ELSE 'pending' END, now() - (k % 10080) * interval '1 minute', now()
      FROM generate_series(1, 100000) k`, [srcIds[3], n]);

    log("analyze");
    // Steady state: autovacuum has run (it also flushes the GIN indexes' pending lists).
    await timed(c, "analyze", secs, `VACUUM ANALYZE`);
    const links = Number((await c.query(`SELECT count(*) FROM "EventEntity"`)).rows[0].count);
    const entities = Number((await c.query(`SELECT count(*) FROM "Entity"`)).rows[0].count);
    return { events: n, links, entities, seconds: secs };
  } finally {
    await c.end();
  }
}
