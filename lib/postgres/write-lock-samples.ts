import "server-only";
import type { PrismaClient } from "../store/generated/client";
import type { Backend, LockSnapshot } from "./lock-model";

/** The per-sample row carrying totals, so the history has a point even when nothing waits. */
export const SUMMARY_LOCK_TYPE = "summary";
/** A blocker that holds no advisory lock and waits for nothing: stored so the past tree names it. */
export const BACKEND_LOCK_TYPE = "backend";
/** How much of each backend's query a sample keeps (the live snapshot shows more). */
export const SAMPLE_QUERY_CHARS = 200;

/** What a past snapshot shows of a backend, stored once per pid and sample (on its first row). */
export type SampledBackend = Omit<Backend, "pid" | "backendStart" | "application" | "user" | "state" | "blockedBy">;

const sampledBackend = (b: Backend): SampledBackend => ({
  backendType: b.backendType,
  database: b.database,
  client: b.client,
  waitEvent: b.waitEvent,
  xactAgeMs: b.xactAgeMs,
  stateAgeMs: b.stateAgeMs,
  queryAgeMs: b.queryAgeMs,
  query: b.query === null ? null : b.query.slice(0, SAMPLE_QUERY_CHARS),
  locksHeld: b.locksHeld,
  locksWaiting: b.locksWaiting,
  advisoryHeld: b.advisoryHeld,
  own: b.own,
});

/**
 * The earliest moment a sample proves a holder's locks were held by: its transaction's start
 * (a transaction-level lock cannot predate it), or for an idle session the end of its last
 * statement. The history draws a hold from here instead of from the first sample that saw it.
 */
export function heldSince(b: Backend | undefined, takenAtMs: number): string | null {
  if (!b) return null;
  const age = b.xactAgeMs ?? (b.state === "idle" ? b.stateAgeMs : null);
  return age === null || age < 0 ? null : new Date(takenAtMs - age).toISOString();
}

/**
 * Stores what the history and the past snapshot (`?at=`) need from one snapshot: a summary row,
 * then waits and advisory locks, then blockers that hold neither (at most `maxRows` in all),
 * never the thousands of ordinary relation locks of a busy server. Each backend's state,
 * transaction age, blockers and query start travel once per sample, on its first row.
 */
export async function writeLockSamples(prisma: PrismaClient, sourceId: number, snap: LockSnapshot, maxRows: number): Promise<number> {
  const at = new Date(snap.takenAt);
  const byPid = new Map(snap.backends.map((b) => [b.pid, b]));
  const groups = new Map(snap.advisory.map((g) => [g.objectKey, g]));
  const waits = snap.locks.filter((l) => !l.granted);
  const summary = {
    sourceId,
    sampledAt: at,
    pid: 0,
    lockType: SUMMARY_LOCK_TYPE,
    mode: "",
    granted: true,
    objectKey: null,
    waitMs: waits.reduce<number | null>((m, l) => (l.waitMs === null ? m : Math.max(m ?? 0, l.waitMs)), null),
    blockingPids: [],
    data: {
      waiters: new Set(waits.map((l) => l.pid)).size,
      locksTotal: snap.caps.locksTotal,
      backendsTotal: snap.caps.backendsTotal,
      capped: snap.caps.locksCapped,
      rootBlockers: snap.tree.length,
      stuck: snap.advisory.filter((g) => g.stuck).length,
      // What the past snapshot shows around the rows.
      server: snap.server,
      role: snap.rights.role,
      stuckAfterMs: snap.stuckAfterMs,
      maxLocks: snap.caps.maxLocks,
      maxBackends: snap.caps.maxBackends,
      backendsCapped: snap.caps.backendsCapped,
      rowsCapped: false,
    },
  };
  const takenAtMs = at.getTime();
  const described = new Set<number>();
  // The backend detail rides on the first row of each pid within the cap.
  const detail = (pid: number) => {
    const b = byPid.get(pid);
    if (!b || described.has(pid)) return {};
    described.add(pid);
    return { backend: sampledBackend(b) };
  };
  const kept = snap.locks.filter((l) => l.pid !== null && (l.objectKey || !l.granted));
  const lockRows = kept.slice(0, maxRows).map((l) => {
    const b = byPid.get(l.pid!);
    return {
      sourceId,
      sampledAt: at,
      pid: l.pid!,
      lockType: l.locktype,
      mode: l.mode,
      granted: l.granted,
      objectKey: l.objectKey ?? l.label,
      waitMs: l.waitMs,
      blockingPids: b?.blockedBy ?? [],
      data: {
        label: l.label,
        key: l.objectKey ? (groups.get(l.objectKey)?.key.label ?? null) : null,
        database: l.database,
        backendStart: b?.backendStart ?? null,
        application: b?.application ?? null,
        user: b?.user ?? null,
        state: b?.state ?? null,
        heldSince: l.granted ? heldSince(b, takenAtMs) : null,
        stuck: l.granted && l.objectKey ? (groups.get(l.objectKey)?.stuck?.reason ?? null) : null,
        ...detail(l.pid!),
      },
    };
  });
  // Whoever blocks someone but holds no advisory lock (a row lock, DDL): the past tree's roots.
  const involved = new Set(snap.backends.flatMap((b) => (b.blockedBy.length ? [b.pid, ...b.blockedBy] : [])));
  const backendRows = snap.backends
    .filter((b) => involved.has(b.pid) && !described.has(b.pid))
    .slice(0, Math.max(0, maxRows - lockRows.length))
    .map((b) => ({
      sourceId,
      sampledAt: at,
      pid: b.pid,
      lockType: BACKEND_LOCK_TYPE,
      mode: "",
      granted: true,
      objectKey: null,
      waitMs: null,
      blockingPids: b.blockedBy,
      data: { backendStart: b.backendStart, application: b.application, user: b.user, state: b.state, ...detail(b.pid) },
    }));
  const rows = [...lockRows, ...backendRows];
  summary.data.rowsCapped = kept.length > lockRows.length || [...involved].some((pid) => byPid.has(pid) && !described.has(pid));
  const all = [summary, ...rows];
  // One INSERT from arrays: several times faster than a 500-row createMany every few seconds.
  await prisma.$executeRaw`
    INSERT INTO "LockSample" ("sourceId","sampledAt","pid","lockType","mode","granted","objectKey","waitMs","blockingPids","data")
    SELECT ${sourceId}, ${at}, u.pid, u.lt, u.mode, u.granted, u.ok, u.wait, ARRAY(SELECT jsonb_array_elements_text(u.bp)::int), u.data
    FROM unnest(${all.map((r) => r.pid)}::int[], ${all.map((r) => r.lockType)}::text[], ${all.map((r) => r.mode)}::text[],
                ${all.map((r) => r.granted)}::boolean[], ${all.map((r) => r.objectKey)}::text[], ${all.map((r) => (r.waitMs === null ? null : Math.min(r.waitMs, 2 ** 31 - 1)))}::int[],
                ${all.map((r) => JSON.stringify(r.blockingPids))}::jsonb[], ${all.map((r) => JSON.stringify(r.data))}::jsonb[])
      AS u(pid, lt, mode, granted, ok, wait, bp, data)`;
  return rows.length + 1;
}

export async function deleteOldLockSamples(prisma: PrismaClient, sourceId: number, olderThan: Date): Promise<number> {
  return prisma.$executeRaw`DELETE FROM "LockSample" WHERE "sourceId" = ${sourceId} AND "sampledAt" < ${olderThan}`;
}
