import type { AdvisoryLockGroup, Backend } from "./lock-model";

const IDLE_STATES = new Set(["idle", "idle in transaction", "idle in transaction (aborted)"]);

/** LOCKBOARD_STUCK_AFTER_SECONDS, 30 s by default. */
export function stuckAfterMs(env: Record<string, string | undefined> = process.env): number {
  const v = Number(env.LOCKBOARD_STUCK_AFTER_SECONDS);
  return (Number.isFinite(v) && v > 0 ? v : 30) * 1000;
}

/**
 * pg_locks has no acquisition time, so "held for" is a lower bound: an idle session has held
 * its locks at least since its last statement ended (state_change). A lock is stuck when an
 * idle holder has sat on it past the threshold, or when someone has waited for it that long.
 */
export function markStuckLocks(groups: AdvisoryLockGroup[], backends: Map<number, Backend>, thresholdMs: number): AdvisoryLockGroup[] {
  return groups.map((g) => {
    const reasons: string[] = [];
    for (const h of g.holders) {
      const b = backends.get(h.pid);
      if (b?.state && IDLE_STATES.has(b.state) && (b.stateAgeMs ?? 0) >= thresholdMs) {
        reasons.push(`holder ${h.pid} is ${b.state} for ${Math.round((b.stateAgeMs ?? 0) / 1000)}s`);
      }
    }
    if ((g.longestWaitMs ?? 0) >= thresholdMs) {
      reasons.push(`${g.waiters.length} waiter${g.waiters.length === 1 ? "" : "s"}, longest ${Math.round(g.longestWaitMs! / 1000)}s`);
    }
    return { ...g, stuck: g.holders.length > 0 && reasons.length > 0 ? { reason: reasons.join("; ") } : null };
  });
}
