import "server-only";
import type { BackgroundJob } from "../jobs/background-job";
import { secondsFromEnv } from "../jobs/background-job";
import { writeActionLog } from "../audit/write-action-log";
import { targetResolver } from "./apply-write";
import { claimWrites } from "./claim-writes";
import { DEFAULT_RETRY, processBatch } from "./process-batch";
import { describeCounts, newReplayOwner } from "./replay-run";

/**
 * Takes up writes a replay handed back after a transient error once their next attempt time has
 * come, and writes whose replayer died (lease expired). Writes nobody replayed yet stay for the operator.
 */
export const failedWriteRetryJob: BackgroundJob = {
  name: "failed-write-retry",
  intervalMs: () => secondsFromEnv("LOCKBOARD_REPLAY_RETRY_SECONDS", 5),
  async run({ prisma, signal }) {
    const owner = `retry:${newReplayOwner()}`;
    const claimed = await claimWrites(prisma, { retryDue: true }, { owner, leaseMs: 60_000, limit: 100 });
    if (claimed.length === 0 || signal.aborted) return;
    const results = await processBatch(prisma, claimed, { owner, runId: null, concurrency: 4, retry: DEFAULT_RETRY, resolveTarget: targetResolver(prisma) });
    const counts: Record<string, number> = {};
    for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
    await writeActionLog(prisma, {
      actor: "lockboard (retry)",
      action: "replay_failed_writes",
      target: { failedWriteIds: results.map((r) => r.id) },
      reason: "scheduled retry after a transient error or an expired lease",
      outcome: describeCounts(counts),
      detail: { counts, owner },
    });
  },
};
