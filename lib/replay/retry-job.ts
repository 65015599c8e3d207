import "server-only";
import { runEverySubject, type LeasedJob } from "../fleet/leased-job";
import { secondsFromEnv } from "../jobs/background-job";
import { writeActionLog } from "../audit/write-action-log";
import type { PrismaClient } from "../store/generated/client";
import { targetResolver } from "./apply-write";
import { claimWrites, type FinishedWrite } from "./claim-writes";
import { DEFAULT_RETRY, processBatch } from "./process-batch";
import { RETRY_ACTOR, RETRY_REASON } from "./replay-origin";
import { describeCounts, newReplayOwner } from "./replay-run";

/**
 * Each batch the retry job takes up is a run of its own (origin `retry`), so the Failed writes
 * page lists it beside the operators' runs: who (the job), from where, why, and how it ended.
 */
async function openRetryRun(prisma: PrismaClient, ids: number[]) {
  return prisma.$transaction(async (tx) => {
    const run = await tx.replayRun.create({
      data: {
        actor: RETRY_ACTOR,
        origin: "retry",
        reason: RETRY_REASON,
        selection: { ids },
        total: ids.length,
        batchSize: ids.length,
        ratePerSec: 0,
        status: "running",
        startedAt: new Date(),
      },
    });
    await tx.$executeRaw`INSERT INTO "ReplayRunItem" ("replayRunId", "failedWriteId") SELECT ${run.id}, unnest(${ids}::int[])`;
    return run;
  });
}

async function closeRetryRun(prisma: PrismaClient, runId: number, owner: string, results: FinishedWrite[]) {
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  // The run's end and its replay.retry row commit together, as an operator's run and its replay.run row do.
  await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`
      UPDATE "ReplayRunItem" i SET "processedAt" = now(), outcome = u.status
      FROM unnest(${results.map((r) => r.id)}::int[], ${results.map((r) => r.status)}::text[]) AS u(id, status)
      WHERE i."replayRunId" = ${runId} AND i."failedWriteId" = u.id`;
    await tx.replayRun.update({ where: { id: runId }, data: { status: "done", processed: results.length, finishedAt: new Date() } });
    await writeActionLog(tx, {
      actor: RETRY_ACTOR,
      action: "replay.retry",
      target: { replayRunId: runId, failedWriteIds: results.map((r) => r.id) },
      reason: RETRY_REASON,
      outcome: describeCounts(counts),
      detail: { origin: "retry", workedFrom: "retry", counts, owner },
    });
  });
}

/**
 * Takes up writes a replay handed back after a transient error once their next attempt time has
 * come, and writes whose replayer died (lease expired). Writes nobody replayed yet stay for the operator.
 * One lease for the whole queue, not one per target: each write is claimed by a row lease of its
 * own already (claimWrites), so two retriers could never apply one write twice; the job lease
 * only keeps the instances from polling the queue side by side.
 */
export const failedWriteRetryJob: LeasedJob = {
  name: "failed-write-retry",
  intervalMs: () => secondsFromEnv("LOCKBOARD_REPLAY_RETRY_SECONDS", 5),
  listSubjects: async () => [{ key: "queue", subject: "failed-write queue (every target)", sourceId: null }],
  run: (ctx) => runEverySubject(failedWriteRetryJob)(ctx),
  async runFor({ prisma, signal }) {
    const owner = `retry:${newReplayOwner()}`;
    const claimed = await claimWrites(prisma, { retryDue: true }, { owner, leaseMs: 60_000, limit: 100 });
    if (claimed.length === 0 || signal.aborted) return;
    const run = await openRetryRun(
      prisma,
      claimed.map((w) => w.id),
    );
    let results: FinishedWrite[];
    try {
      results = await processBatch(prisma, claimed, { owner, runId: run.id, concurrency: 4, retry: DEFAULT_RETRY, resolveTarget: targetResolver(prisma) });
    } catch (err) {
      // The store failed mid-batch: the leases expire and the next round takes the writes up again.
      await prisma.replayRun
        .update({ where: { id: run.id }, data: { status: "failed", error: (err as Error).message, finishedAt: new Date() } })
        .catch(() => {});
      throw err;
    }
    await closeRetryRun(prisma, run.id, owner, results);
  },
};
