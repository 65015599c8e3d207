import "server-only";
import { HttpError } from "../http/errors";
import { decodeAdvisoryKey } from "./advisory-key";
import { TARGET_BACKEND_SQL, type TargetBackendRow } from "./lock-action-sql";
import { withMonitorClient } from "./monitor-pool";

const DETAIL_SQL = `SELECT t.*, current_database() AS monitor_db FROM (${TARGET_BACKEND_SQL}) t`;

export type BackendDetail = {
  pid: number;
  backendStart: string | null;
  sameBackend: boolean | null;
  state: string | null;
  user: string | null;
  application: string | null;
  xactAgeMs: number | null;
  query: string | null;
  locksTotal: number;
  locks: { locktype: string; mode: string; granted: boolean; object: string }[];
  blockedPids: number[];
};

/**
 * The blast radius of ending a backend: everything it holds, its open transaction, whom it blocks.
 * A source scoped to its database (config.scope = "database") shows only that database's
 * backends: another one's query text is refused with 403.
 */
export async function getBackendDetail(
  source: { name: string; config?: Record<string, unknown> | null },
  url: string,
  pid: number,
  backendStart: string | null,
): Promise<BackendDetail | null> {
  const row = await withMonitorClient(
    url,
    async (c) => (await c.query<TargetBackendRow & { monitor_db: string }>(DETAIL_SQL, [pid, backendStart, null, null, null, null])).rows[0],
  );
  if (!row) return null;
  if (source.config?.scope === "database" && !row.in_database) {
    throw new HttpError(
      403,
      "out_of_scope",
      `backend ${pid} is not in database "${row.monitor_db}", the only one source ${source.name} shows (config.scope = "database")`,
    );
  }
  return {
    pid: row.pid,
    backendStart: row.backend_start,
    sameBackend: row.same_start,
    state: row.state,
    user: row.usename,
    application: row.application_name,
    xactAgeMs: row.xact_age_ms === null ? null : Math.round(row.xact_age_ms),
    query: row.query,
    locksTotal: row.locks_total,
    // Advisory locks by the keys the application used, not by their raw oid halves.
    locks: (row.locks ?? []).map((l) => ({
      locktype: l.locktype,
      mode: l.mode,
      granted: l.granted,
      object: l.locktype === "advisory" ? `key ${decodeAdvisoryKey(Number(l.classid), Number(l.objid), Number(l.objsubid)).label}` : l.object,
    })),
    blockedPids: row.blocked_pids,
  };
}
