import type { AdvisoryKey } from "./advisory-key";

/** Types of a lock snapshot as the API returns it (no server-only: the UI imports them). */

export type MonitorRights = {
  role: string;
  superuser: boolean;
  pgMonitor: boolean;
  pgSignalBackend: boolean;
  /** Plain words for what the role cannot do, shown on the page and in API errors. */
  messages: string[];
};

export type Backend = {
  pid: number;
  /** Hidden (null) for other roles' sessions when the monitoring role lacks pg_monitor. */
  backendStart: string | null;
  backendType: string | null;
  database: string | null;
  user: string | null;
  application: string | null;
  client: string | null;
  state: string | null;
  waitEvent: string | null;
  xactAgeMs: number | null;
  stateAgeMs: number | null;
  queryAgeMs: number | null;
  query: string | null;
  locksHeld: number;
  locksWaiting: number;
  advisoryHeld: number;
  blockedBy: number[];
  /** This dashboard's own connection or the store's: never a target. */
  own: boolean;
};

export type LockTarget = { locktype: "advisory"; database: number; classid: number; objid: number; objsubid: 1 | 2 };

export type LockInfo = {
  pid: number | null;
  locktype: string;
  mode: string;
  granted: boolean;
  exclusive: boolean;
  database: string | null;
  label: string;
  waitMs: number | null;
  /** Advisory locks only: the AdvisoryLockGroup (key, target) this row belongs to. */
  objectKey: string | null;
};

/** A lock row while the snapshot is built; the decoded key moves to its group before it is sent. */
export type DescribedLock = LockInfo & { advisory: (AdvisoryKey & { target: LockTarget; objectKey: string }) | null };

export type AdvisoryLockGroup = {
  objectKey: string;
  key: AdvisoryKey;
  target: LockTarget;
  database: string | null;
  holders: { pid: number; mode: string }[];
  waiters: { pid: number; mode: string; waitMs: number | null }[];
  longestWaitMs: number | null;
  stuck: { reason: string } | null;
};

export type TreeNode = { pid: number; children: TreeNode[] };

export type LockSnapshot = {
  source: { id: number; name: string; maskedUrl: string | null };
  takenAt: string;
  server: { versionNum: number; database: string; scope: "server" | "database" };
  rights: MonitorRights;
  caps: { maxLocks: number; maxBackends: number; locksTotal: number; backendsTotal: number; locksCapped: boolean; backendsCapped: boolean };
  stuckAfterMs: number;
  backends: Backend[];
  locks: LockInfo[];
  tree: TreeNode[];
  advisory: AdvisoryLockGroup[];
};
