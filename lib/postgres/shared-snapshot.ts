import "server-only";
import { getLockSnapshot, type SnapshotOptions, type SnapshotSource } from "./get-lock-snapshot";
import type { LockSnapshot } from "./lock-model";

// Snapshots being read right now, by source and row cap: a burst of viewers (a lock storm is
// when everyone opens the Locks page) shares one read of pg_locks instead of queueing hundreds
// behind the monitor pool's few connections until they time out.
const inFlight = new Map<string, Promise<LockSnapshot>>();

/** The live snapshot, read once for every request that asks while a read is under way. */
export function getSharedLockSnapshot(source: SnapshotSource, url: string, opts: SnapshotOptions = {}): Promise<LockSnapshot> {
  const key = `${source.id}\u0000${opts.maxLocks ?? ""}\u0000${opts.maxBackends ?? ""}\u0000${opts.queryChars ?? ""}`;
  let read = inFlight.get(key);
  if (!read) {
    read = getLockSnapshot(source, url, opts).finally(() => inFlight.delete(key));
    inFlight.set(key, read);
  }
  return read;
}
