import "server-only";
import type { BackendRow } from "./lock-snapshot-sql";

/*
 * The statements behind a guarded cancel/terminate. Sources: PostgreSQL docs "Server Signaling
 * Functions" (pg_cancel_backend, pg_terminate_backend: functions-admin.html), "pg_locks" and
 * pg_blocking_pids() (functions-info.html).
 */

/** The target backend as it is now: identity, what it holds, whom it blocks (the blast radius). */
export type TargetBackendRow = Pick<
  BackendRow,
  "pid" | "backend_start" | "backend_type" | "datname" | "usename" | "application_name" | "client_addr" | "state" | "xact_age_ms" | "state_age_ms" | "query"
> & {
  is_self: boolean;
  /** In the database the monitor is connected to (what config.scope = "database" allows). */
  in_database: boolean;
  /** The backend's role is a superuser or has REPLICATION: never a target unless the source opts in. */
  privileged_role: boolean;
  same_start: boolean | null;
  holds_lock: boolean | null;
  locks_total: number;
  locks: { locktype: string; mode: string; granted: boolean; object: string; classid: number | null; objid: number | null; objsubid: number | null }[] | null;
  blocked_pids: number[];
  lock_waiters: number[];
};

/** $1 pid, $2 backend_start the operator saw, $3..$6 the advisory lock (database, classid, objid, objsubid) or nulls. */
export const TARGET_BACKEND_SQL = `
SELECT a.pid, to_json(a.backend_start) #>> '{}' AS backend_start, a.backend_type::text, a.datname::text, a.usename::text,
       a.application_name, host(a.client_addr) AS client_addr, a.state,
       (extract(epoch FROM now() - a.xact_start) * 1000)::float8 AS xact_age_ms,
       (extract(epoch FROM now() - a.state_change) * 1000)::float8 AS state_age_ms,
       left(a.query, 500) AS query, a.pid = pg_backend_pid() AS is_self, a.backend_start = $2::timestamptz AS same_start,
       a.datname IS NOT DISTINCT FROM current_database() AS in_database,
       EXISTS (SELECT 1 FROM pg_roles r WHERE r.oid = a.usesysid AND (r.rolsuper OR r.rolreplication)) AS privileged_role,
       CASE WHEN $3::oid IS NOT NULL THEN EXISTS (
         SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.granted
           AND l.database = $3::oid AND l.classid = $4::oid AND l.objid = $5::oid AND l.objsubid = $6::int2) END AS holds_lock,
       (SELECT count(*) FROM pg_locks l WHERE l.pid = a.pid)::int AS locks_total,
       (SELECT json_agg(x) FROM (
          SELECT l.locktype, l.mode, l.granted,
                 concat_ws(' ', CASE WHEN l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) THEN l.relation::regclass::text ELSE l.relation::text END,
                           l.transactionid::text, l.virtualxid) AS object,
                 l.classid::int8 AS classid, l.objid::int8 AS objid, l.objsubid::int AS objsubid
          FROM pg_locks l WHERE l.pid = a.pid ORDER BY l.locktype = 'advisory' DESC, l.granted DESC LIMIT 50) x) AS locks,
       ARRAY(SELECT w.pid FROM pg_stat_activity w WHERE a.pid = ANY(pg_blocking_pids(w.pid))) AS blocked_pids,
       ARRAY(SELECT l.pid FROM pg_locks l WHERE $3::oid IS NOT NULL AND l.locktype = 'advisory' AND NOT l.granted
               AND l.database = $3::oid AND l.classid = $4::oid AND l.objid = $5::oid AND l.objsubid = $6::int2) AS lock_waiters
FROM pg_stat_activity a WHERE a.pid = $1`;

export type SignalRow = { pid: number; state: string | null; signalled: boolean };

/**
 * The act itself, re-verified in the same statement: the backend is still the one the operator
 * saw (pid + backend_start), a client backend, not one of Lockboard's own (by pid, and not in the
 * store's database on the store's server), inside the source's scope, not a superuser or
 * replication role's unless allowed, and still holds the advisory lock (or, with no lock named,
 * still blocks someone). Nothing matches → nothing is signalled.
 * $1 pid, $2 backend_start, $3 'cancel' | 'terminate', $4 the store's database on this server or
 * null, $5..$8 the advisory lock or nulls, $9 Lockboard's own pids on this server, $10 only the
 * monitor's database (config.scope = "database"), $11 superuser/replication roles allowed.
 */
export const SIGNAL_BACKEND_SQL = `
SELECT a.pid, a.state,
       CASE WHEN $3 = 'cancel' THEN pg_cancel_backend(a.pid) ELSE pg_terminate_backend(a.pid) END AS signalled
FROM pg_stat_activity a
WHERE a.pid = $1 AND a.backend_start = $2::timestamptz
  AND a.backend_type = 'client backend' AND a.pid <> pg_backend_pid()
  AND NOT (a.pid = ANY($9::int[]))
  AND ($4::text IS NULL OR a.datname IS DISTINCT FROM $4::text)
  AND (NOT $10::bool OR a.datname = current_database())
  AND ($11::bool OR NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.oid = a.usesysid AND (r.rolsuper OR r.rolreplication)))
  AND CASE WHEN $5::oid IS NOT NULL
        THEN EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.granted
                     AND l.database = $5::oid AND l.classid = $6::oid AND l.objid = $7::oid AND l.objsubid = $8::int2)
        ELSE EXISTS (SELECT 1 FROM pg_stat_activity w WHERE a.pid = ANY(pg_blocking_pids(w.pid))) END`;

/** After acting: is the same backend still there, still holding, and who holds the lock now. */
export type AfterRow = { alive: boolean; holds: boolean | null; holders: number[]; still_waiting: number[] };

/** $1 pid, $2 backend_start, $3..$6 the advisory lock or nulls, $7 the waiters seen before. */
export const AFTER_ACTION_SQL = `
SELECT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = $1 AND a.backend_start = $2::timestamptz) AS alive,
       CASE WHEN $3::oid IS NOT NULL THEN EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = $1 AND l.locktype = 'advisory' AND l.granted
         AND l.database = $3::oid AND l.classid = $4::oid AND l.objid = $5::oid AND l.objsubid = $6::int2) END AS holds,
       ARRAY(SELECT l.pid FROM pg_locks l WHERE $3::oid IS NOT NULL AND l.locktype = 'advisory' AND l.granted
         AND l.database = $3::oid AND l.classid = $4::oid AND l.objid = $5::oid AND l.objsubid = $6::int2) AS holders,
       ARRAY(SELECT DISTINCT l.pid FROM pg_locks l WHERE NOT l.granted AND l.pid = ANY($7::int[])) AS still_waiting`;
