import "server-only";
import { SERVER_IDENTITY_COLUMNS, type ServerIdentityRow } from "./own-backends";

/*
 * The raw catalog queries behind a lock snapshot. Sources: PostgreSQL docs "pg_locks"
 * (view-pg-locks.html), "pg_stat_activity" (monitoring-stats.html) and pg_blocking_pids()
 * (functions-info.html); the shape follows ankane/pghero lib/pghero/methods/queries.rb
 * (blocked_queries) and lib/pghero/methods/basic.rb (role checks). Every query excludes the
 * monitor's own backend and returns at most `cap` rows, with the uncapped total alongside.
 */

/** Who the monitor connects as and what that role may see and do. */
export type MonitorRightsRow = ServerIdentityRow & {
  role: string;
  version_num: number;
  superuser: boolean;
  pg_monitor: boolean;
  pg_signal_backend: boolean;
  database: string;
  database_oid: string;
  now: string;
};

/** Also raises work_mem for this monitor session: a materialized pg_locks of 50,000 rows spills past the default. */
export const MONITOR_RIGHTS_SQL = `
SELECT set_config('work_mem', '32MB', false) AS work_mem, current_user AS role,
       current_setting('server_version_num')::int AS version_num,
       r.rolsuper AS superuser,
       pg_has_role(current_user, 'pg_monitor', 'USAGE') AS pg_monitor,
       pg_has_role(current_user, 'pg_signal_backend', 'USAGE') AS pg_signal_backend,
       current_database() AS database,
       (SELECT oid FROM pg_database WHERE datname = current_database())::int8 AS database_oid,
       to_json(now()) #>> '{}' AS now, ${SERVER_IDENTITY_COLUMNS}
FROM pg_roles r WHERE r.rolname = current_user`;

/** One backend that holds or waits for a lock (pg_stat_activity + per-pid counts from pg_locks). */
export type BackendRow = {
  pid: number;
  /** null for another role's session when the monitor lacks pg_monitor. */
  backend_start: string | null;
  backend_type: string | null;
  datname: string | null;
  usename: string | null;
  application_name: string | null;
  client_addr: string | null;
  client_port: number | null;
  state: string | null;
  wait_event_type: string | null;
  wait_event: string | null;
  xact_age_ms: number | null;
  state_age_ms: number | null;
  query_age_ms: number | null;
  query: string | null;
  locks_held: number;
  locks_waiting: number;
  advisory_held: number;
  blocking_pids: number[];
  total: number;
};

/**
 * $1 cap, $2 query length, $3 only the monitor's database. Backends in a wait (and whoever
 * blocks them) come first so a cap never hides a root blocker; pg_blocking_pids() runs only
 * for backends that actually wait, since each call inspects the lock manager.
 */
export const BACKENDS_SQL = `
WITH lc AS (
  SELECT pid, count(*)::int AS locks_held,
         (count(*) FILTER (WHERE NOT granted))::int AS locks_waiting,
         (count(*) FILTER (WHERE granted AND locktype = 'advisory'))::int AS advisory_held
  FROM pg_locks WHERE pid IS NOT NULL GROUP BY pid
), waiting AS (
  SELECT pid, pg_blocking_pids(pid) AS blocked_by FROM lc WHERE locks_waiting > 0
), involved AS (
  SELECT pid FROM waiting UNION SELECT unnest(blocked_by) FROM waiting
)
SELECT a.pid, to_json(a.backend_start) #>> '{}' AS backend_start, a.backend_type::text, a.datname::text, a.usename::text,
       a.application_name, host(a.client_addr) AS client_addr, a.client_port, a.state, a.wait_event_type, a.wait_event,
       (extract(epoch FROM now() - a.xact_start) * 1000)::float8 AS xact_age_ms,
       (extract(epoch FROM now() - a.state_change) * 1000)::float8 AS state_age_ms,
       (extract(epoch FROM now() - a.query_start) * 1000)::float8 AS query_age_ms,
       left(a.query, $2) AS query, lc.locks_held, lc.locks_waiting, lc.advisory_held,
       COALESCE(w.blocked_by, '{}') AS blocking_pids,
       (count(*) OVER ())::int AS total
FROM pg_stat_activity a
JOIN lc ON lc.pid = a.pid
LEFT JOIN waiting w ON w.pid = a.pid
WHERE a.pid <> pg_backend_pid() AND (NOT $3 OR a.datname = current_database())
ORDER BY (a.pid IN (SELECT pid FROM involved)) DESC, lc.advisory_held > 0 DESC, a.xact_start NULLS LAST, a.pid
LIMIT $1`;

/** One row of pg_locks with its object named where this database can name it. */
export type LockRow = {
  pid: number | null;
  locktype: string;
  mode: string;
  granted: boolean;
  fastpath: boolean;
  database: string | null;
  datname: string | null;
  relation: string | null;
  page: number | null;
  tuple: number | null;
  transactionid: string | null;
  virtualxid: string | null;
  classid: string | null;
  objid: string | null;
  objsubid: number | null;
  wait_ms: number | null;
  total: number;
};

/**
 * $1 cap, $2 pids that block someone, $3 only the monitor's database. Waits first, then
 * advisory locks, then what blockers hold: the rows an operator needs survive the cap.
 * Relations are named only in the monitor's own database (and shared catalogs), where the
 * oid means what regclass says.
 */
export function locksSql(hasWaitstart: boolean): string {
  const waitMs = hasWaitstart ? "(extract(epoch FROM now() - t.waitstart) * 1000)::float8" : "NULL::float8";
  const priority = (a: string) => `CASE WHEN NOT ${a}.granted THEN 0 WHEN ${a}.locktype = 'advisory' THEN 1 WHEN ${a}.pid = ANY($2::int[]) THEN 2 ELSE 3 END`;
  // pg_locks is read once (materialized); names and casts are computed for the kept rows only.
  return `
WITH l AS MATERIALIZED (
  SELECT * FROM pg_locks
  WHERE pid IS DISTINCT FROM pg_backend_pid()
    AND (NOT $3 OR pid IN (SELECT pid FROM pg_stat_activity WHERE datname = current_database()))
), t AS (
  SELECT * FROM l ORDER BY ${priority("l")}, l.pid LIMIT $1
)
SELECT t.pid, t.locktype, t.mode, t.granted, t.fastpath, t.database::int8::text AS database, d.datname::text,
       CASE WHEN t.relation IS NULL THEN NULL
            WHEN t.database IN (0, (SELECT oid FROM pg_database WHERE datname = current_database())) THEN t.relation::regclass::text
            ELSE t.relation::int8::text END AS relation,
       t.page, t.tuple::int, t.transactionid::text, t.virtualxid,
       t.classid::int8::text AS classid, t.objid::int8::text AS objid, t.objsubid::int,
       CASE WHEN NOT t.granted THEN ${waitMs} END AS wait_ms,
       (SELECT count(*) FROM l)::int AS total
FROM t LEFT JOIN pg_database d ON d.oid = t.database
ORDER BY ${priority("t")}, t.pid`;
}
