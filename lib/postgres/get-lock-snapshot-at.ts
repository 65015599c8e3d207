import "server-only";
import type { PrismaClient } from "../store/generated/client";
import { decodeAdvisoryKey } from "./advisory-key";
import type { AdvisoryLockGroup, Backend, LockInfo, LockSnapshot } from "./lock-model";
import { buildBlockingTree } from "./lock-tree";
import { BACKEND_LOCK_TYPE, SUMMARY_LOCK_TYPE, type SampledBackend } from "./write-lock-samples";

/** `GET /api/locks/:source?at=`: the sampled picture, or a plain "nothing sampled by then". */
export type LockSnapshotAt =
  | (LockSnapshot & {
      sampled: true;
      found: true;
      /** The time asked for, and the sample shown (the last one at or before it). */
      at: string;
      asOf: string;
      /** How long before `at` that sample was taken. */
      offsetMs: number;
      /** The per-sample row cap (LOCKBOARD_LOCK_SAMPLE_MAX_ROWS) dropped rows from this sample. */
      rowsCapped: boolean;
    })
  | { sampled: true; found: false; at: string; asOf: null; offsetMs: null; oldestSample: string | null };

type SampleRow = {
  pid: number;
  lockType: string;
  mode: string;
  granted: boolean;
  objectKey: string | null;
  waitMs: number | null;
  blockingPids: number[];
  data: Record<string, unknown>;
};
type SummaryData = {
  locksTotal?: number;
  backendsTotal?: number;
  capped?: boolean;
  server?: LockSnapshot["server"];
  role?: string;
  stuckAfterMs?: number;
  maxLocks?: number;
  maxBackends?: number;
  backendsCapped?: boolean;
  rowsCapped?: boolean;
};

const str = (v: unknown) => (typeof v === "string" ? v : null);

/**
 * The lock picture as the sampler stored it at the last sample taken at or before `at`:
 * nothing sampled after `at` is read. Before the first kept sample the answer says so and
 * names the oldest one, instead of falling back to the live picture.
 */
export async function getLockSnapshotAt(
  prisma: PrismaClient,
  source: { id: number; name: string; maskedUrl: string | null },
  at: Date,
): Promise<LockSnapshotAt> {
  const [summary] = await prisma.$queryRaw<{ sampledAt: Date; data: SummaryData }[]>`
    SELECT "sampledAt", data FROM "LockSample"
    WHERE "sourceId" = ${source.id} AND "lockType" = ${SUMMARY_LOCK_TYPE} AND "sampledAt" <= ${at}
    ORDER BY "sampledAt" DESC LIMIT 1`;
  if (!summary) {
    const [oldest] = await prisma.$queryRaw<{ sampledAt: Date }[]>`
      SELECT "sampledAt" FROM "LockSample" WHERE "sourceId" = ${source.id} AND "lockType" = ${SUMMARY_LOCK_TYPE}
      ORDER BY "sampledAt" LIMIT 1`;
    return { sampled: true, found: false, at: at.toISOString(), asOf: null, offsetMs: null, oldestSample: oldest?.sampledAt.toISOString() ?? null };
  }
  const rows = await prisma.$queryRaw<SampleRow[]>`
    SELECT pid, "lockType", mode, granted, "objectKey", "waitMs", "blockingPids", data FROM "LockSample"
    WHERE "sourceId" = ${source.id} AND "sampledAt" = ${summary.sampledAt} AND "lockType" <> ${SUMMARY_LOCK_TYPE}
    ORDER BY id`;
  const s = summary.data;
  const backends = sampledBackends(rows);
  const locks: LockInfo[] = rows
    .filter((r) => r.lockType !== BACKEND_LOCK_TYPE)
    .map((r) => ({
      pid: r.pid,
      locktype: r.lockType,
      mode: r.mode,
      granted: r.granted,
      exclusive: r.mode.includes("Exclusive"),
      database: str(r.data.database),
      label: str(r.data.label) ?? r.objectKey ?? r.lockType,
      waitMs: r.waitMs,
      objectKey: r.lockType === "advisory" ? r.objectKey : null,
    }));
  const snapshot: LockSnapshot = {
    source,
    takenAt: summary.sampledAt.toISOString(),
    server: s.server ?? { versionNum: 0, database: "", scope: "server" },
    // Rights are the live role's business: a past picture offers no action.
    rights: { role: s.role ?? "", superuser: false, pgMonitor: false, pgSignalBackend: false, messages: [] },
    caps: {
      maxLocks: s.maxLocks ?? 0,
      maxBackends: s.maxBackends ?? 0,
      locksTotal: s.locksTotal ?? 0,
      backendsTotal: s.backendsTotal ?? 0,
      locksCapped: !!s.capped || !!s.rowsCapped,
      backendsCapped: !!s.backendsCapped,
    },
    stuckAfterMs: s.stuckAfterMs ?? 0,
    backends,
    locks,
    tree: buildBlockingTree(backends),
    advisory: advisoryGroups(rows),
  };
  return {
    ...snapshot,
    sampled: true,
    found: true,
    at: at.toISOString(),
    asOf: snapshot.takenAt,
    offsetMs: at.getTime() - summary.sampledAt.getTime(),
    rowsCapped: !!s.rowsCapped,
  };
}

/** One backend per pid, from the detail its first row carries (older samples have less). */
function sampledBackends(rows: SampleRow[]): Backend[] {
  const byPid = new Map<number, Backend>();
  for (const r of rows) {
    const d = r.data;
    const detail = (d.backend ?? null) as Partial<SampledBackend> | null;
    const known = byPid.get(r.pid);
    if (known && !detail) continue;
    byPid.set(r.pid, {
      pid: r.pid,
      backendStart: str(d.backendStart),
      application: str(d.application),
      user: str(d.user),
      state: str(d.state),
      blockedBy: r.blockingPids,
      backendType: detail?.backendType ?? known?.backendType ?? null,
      database: detail?.database ?? known?.database ?? null,
      client: detail?.client ?? known?.client ?? null,
      waitEvent: detail?.waitEvent ?? known?.waitEvent ?? null,
      xactAgeMs: detail?.xactAgeMs ?? known?.xactAgeMs ?? null,
      stateAgeMs: detail?.stateAgeMs ?? known?.stateAgeMs ?? null,
      queryAgeMs: detail?.queryAgeMs ?? known?.queryAgeMs ?? null,
      query: detail?.query ?? known?.query ?? null,
      locksHeld: detail?.locksHeld ?? known?.locksHeld ?? 0,
      locksWaiting: detail?.locksWaiting ?? known?.locksWaiting ?? 0,
      advisoryHeld: detail?.advisoryHeld ?? known?.advisoryHeld ?? 0,
      own: detail?.own ?? known?.own ?? false,
    });
  }
  return [...byPid.values()];
}

/** Advisory rows regrouped per lock object; the key is decoded again from the stored object key. */
function advisoryGroups(rows: SampleRow[]): AdvisoryLockGroup[] {
  const groups = new Map<string, AdvisoryLockGroup>();
  for (const r of rows) {
    if (r.lockType !== "advisory" || !r.objectKey) continue;
    const m = /^advisory:(\d+):(\d+):(\d+):(\d+)$/.exec(r.objectKey);
    if (!m) continue;
    const [database, classid, objid, objsubid] = m.slice(1).map(Number) as [number, number, number, number];
    let g = groups.get(r.objectKey);
    if (!g) {
      g = {
        objectKey: r.objectKey,
        key: decodeAdvisoryKey(classid, objid, objsubid),
        target: { locktype: "advisory", database, classid, objid, objsubid: objsubid === 2 ? 2 : 1 },
        database: str(r.data.database),
        holders: [],
        waiters: [],
        longestWaitMs: null,
        stuck: null,
      };
      groups.set(r.objectKey, g);
    }
    if (r.granted) {
      g.holders.push({ pid: r.pid, mode: r.mode });
      const reason = str(r.data.stuck);
      if (reason) g.stuck = { reason };
    } else {
      g.waiters.push({ pid: r.pid, mode: r.mode, waitMs: r.waitMs });
      if (r.waitMs !== null) g.longestWaitMs = Math.max(g.longestWaitMs ?? 0, r.waitMs);
    }
  }
  return [...groups.values()].sort((a, b) => (b.longestWaitMs ?? -1) - (a.longestWaitMs ?? -1) || b.waiters.length - a.waiters.length);
}
