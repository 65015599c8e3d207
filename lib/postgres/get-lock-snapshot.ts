import "server-only";
import type pg from "pg";
import type { PublicSource } from "../sources/source-registry";
import type { Backend, LockSnapshot } from "./lock-model";
import { BACKENDS_SQL, locksSql, MONITOR_RIGHTS_SQL, type BackendRow, type LockRow, type MonitorRightsRow } from "./lock-snapshot-sql";
import { buildBlockingTree, describeLock, groupAdvisoryLocks } from "./lock-tree";
import { withMonitorClient } from "./monitor-pool";
import { toMonitorRights } from "./monitor-rights";
import { ownPidsOn, toServerIdentity } from "./own-backends";
import { storeDatabaseOn } from "./store-server";
import { markStuckLocks, stuckAfterMs } from "./stuck-locks";

export type SnapshotOptions = { maxLocks?: number; maxBackends?: number; queryChars?: number; stuckAfterMs?: number };

const envInt = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};

/** LOCKBOARD_LOCK_SNAPSHOT_MAX_LOCKS / _MAX_BACKENDS: what one snapshot may return at most. */
export const snapshotCaps = () => ({
  maxLocks: envInt("LOCKBOARD_LOCK_SNAPSHOT_MAX_LOCKS", 1_000),
  maxBackends: envInt("LOCKBOARD_LOCK_SNAPSHOT_MAX_BACKENDS", 500),
});

export type SnapshotSource = Pick<PublicSource, "id" | "name" | "maskedUrl" | "config">;

/** The live lock picture of one monitored server (or, with config.scope "database", of its database). */
export async function getLockSnapshot(source: SnapshotSource, url: string, opts: SnapshotOptions = {}): Promise<LockSnapshot> {
  return withMonitorClient(url, (client) => readLockSnapshot(client, source, url, opts));
}

export async function readLockSnapshot(client: pg.ClientBase, source: SnapshotSource, url: string, opts: SnapshotOptions = {}): Promise<LockSnapshot> {
  const caps = snapshotCaps();
  const maxLocks = Math.min(opts.maxLocks ?? caps.maxLocks, caps.maxLocks);
  const maxBackends = Math.min(opts.maxBackends ?? caps.maxBackends, caps.maxBackends);
  const scopeDb = source.config?.scope === "database";
  const rightsRow = (await client.query<MonitorRightsRow>(MONITOR_RIGHTS_SQL)).rows[0]!;
  const backendRows = (await client.query<BackendRow>(BACKENDS_SQL, [maxBackends, opts.queryChars ?? 300, scopeDb])).rows;
  const blockers = [...new Set(backendRows.flatMap((b) => b.blocking_pids))];
  const lockRows = (await client.query<LockRow>(locksSql(rightsRow.version_num >= 140000), [maxLocks, blockers, scopeDb])).rows;

  const here = toServerIdentity(rightsRow);
  // Without a reachable store the flag errs on "ours" only for what the pids show.
  const storeDb = await storeDatabaseOn(here).catch(() => null);
  const ownPids = new Set(ownPidsOn(here));
  const backends: Backend[] = backendRows.map((b) => ({
    pid: b.pid,
    backendStart: b.backend_start,
    backendType: b.backend_type,
    database: b.datname,
    user: b.usename,
    application: b.application_name,
    client: b.client_addr ? `${b.client_addr}${b.client_port ? `:${b.client_port}` : ""}` : null,
    state: b.state,
    waitEvent: b.wait_event_type ? `${b.wait_event_type}: ${b.wait_event}` : null,
    xactAgeMs: round(b.xact_age_ms),
    stateAgeMs: round(b.state_age_ms),
    queryAgeMs: round(b.query_age_ms),
    query: b.query,
    locksHeld: b.locks_held,
    locksWaiting: b.locks_waiting,
    advisoryHeld: b.advisory_held,
    blockedBy: b.blocking_pids,
    own: ownPids.has(b.pid) || (storeDb !== null && b.datname === storeDb),
  }));
  const byPid = new Map(backends.map((b) => [b.pid, b]));
  // Before PostgreSQL 14 there is no waitstart: the waiting statement's age is the closest bound.
  const described = lockRows
    .map(describeLock)
    .map((l) => (l.granted || l.waitMs !== null || l.pid === null ? l : { ...l, waitMs: byPid.get(l.pid)?.queryAgeMs ?? null }));
  const threshold = opts.stuckAfterMs ?? stuckAfterMs();
  const locksTotal = lockRows[0]?.total ?? 0;
  const backendsTotal = backendRows[0]?.total ?? 0;
  return {
    source: { id: source.id, name: source.name, maskedUrl: source.maskedUrl },
    takenAt: rightsRow.now,
    server: { versionNum: rightsRow.version_num, database: rightsRow.database, scope: scopeDb ? "database" : "server" },
    rights: toMonitorRights(rightsRow),
    caps: { maxLocks, maxBackends, locksTotal, backendsTotal, locksCapped: locksTotal > lockRows.length, backendsCapped: backendsTotal > backendRows.length },
    stuckAfterMs: threshold,
    backends,
    // Decoded keys travel once, on their group: a capped snapshot is 1,000 rows every 3 s.
    locks: described.map(({ advisory: _decoded, ...l }) => l),
    tree: buildBlockingTree(backends),
    advisory: markStuckLocks(groupAdvisoryLocks(described), byPid, threshold),
  };
}

const round = (n: number | null) => (n === null ? null : Math.round(n));
