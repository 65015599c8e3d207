import "server-only";
import type pg from "pg";

/**
 * Client connections against the usable limit. Adapted from PgHero's connection_sources /
 * total_connections (ankane/pghero lib/pghero/methods/connections.rb) and the PostgreSQL docs
 * on reserved slots: max_connections minus superuser_reserved_connections and, on 16+,
 * reserved_connections (pg_use_reserved_connections).
 */
const SQL = `
WITH clients AS (
  SELECT state, datname, usename, application_name, xact_start, state_change
  FROM pg_stat_activity
  WHERE backend_type = 'client backend'
)
SELECT
  current_setting('max_connections')::int AS max_connections,
  current_setting('superuser_reserved_connections')::int AS superuser_reserved,
  COALESCE(NULLIF(current_setting('reserved_connections', true), ''), '0')::int AS reserved,
  (SELECT count(*) FROM clients)::int AS total,
  (SELECT COALESCE(json_object_agg(s, n), '{}') FROM (SELECT COALESCE(state, 'unknown') s, count(*) n FROM clients GROUP BY 1) x) AS by_state,
  (SELECT COALESCE(json_agg(x ORDER BY x.n DESC), '[]') FROM (
     SELECT datname AS database, usename AS "user", application_name AS application, count(*)::int AS n
     FROM clients GROUP BY 1, 2, 3 ORDER BY 4 DESC LIMIT 50) x) AS by_origin,
  (SELECT COALESCE(json_agg(x ORDER BY x.age_s DESC), '[]') FROM (
     SELECT datname AS database, usename AS "user", application_name AS application,
            round(extract(epoch FROM now() - xact_start)::numeric, 1)::float AS age_s
     FROM clients WHERE state LIKE 'idle in transaction%' AND xact_start IS NOT NULL
     ORDER BY xact_start LIMIT 5) x) AS oldest_idle_in_tx
`;

export type PgConnectionsRow = {
  max_connections: number;
  superuser_reserved: number;
  reserved: number;
  total: number;
  by_state: Record<string, number>;
  by_origin: { database: string | null; user: string | null; application: string; n: number }[];
  oldest_idle_in_tx: { database: string | null; user: string | null; application: string; age_s: number }[];
};

export type PgConnections = {
  total: number;
  usableLimit: number;
  saturation: number;
  byState: { active: number; idle: number; idleInTransaction: number; idleInTransactionAborted: number; other: number };
  byOrigin: PgConnectionsRow["by_origin"];
  oldestIdleInTransaction: PgConnectionsRow["oldest_idle_in_tx"];
  settings: { maxConnections: number; superuserReserved: number; reserved: number };
};

export async function getPgConnections(client: pg.ClientBase): Promise<PgConnections> {
  const row = (await client.query<PgConnectionsRow>(SQL)).rows[0]!;
  const s = row.by_state;
  const known = ["active", "idle", "idle in transaction", "idle in transaction (aborted)"];
  const usableLimit = Math.max(1, row.max_connections - row.superuser_reserved - row.reserved);
  return {
    total: row.total,
    usableLimit,
    saturation: row.total / usableLimit,
    byState: {
      active: s.active ?? 0,
      idle: s.idle ?? 0,
      idleInTransaction: s["idle in transaction"] ?? 0,
      idleInTransactionAborted: s["idle in transaction (aborted)"] ?? 0,
      other: Object.entries(s).reduce((n, [k, v]) => (known.includes(k) ? n : n + v), 0),
    },
    byOrigin: row.by_origin,
    oldestIdleInTransaction: row.oldest_idle_in_tx,
    settings: { maxConnections: row.max_connections, superuserReserved: row.superuser_reserved, reserved: row.reserved },
  };
}
