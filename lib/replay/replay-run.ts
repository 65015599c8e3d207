import "server-only";
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { writeActionLog } from "../audit/write-action-log";
import type { PrismaClient } from "../store/generated/client";
import { targetResolver } from "./apply-write";
import { claimWrites } from "./claim-writes";
import { failedWriteWhere, type FailedWriteFilters } from "./failed-write-filters";
import { DEFAULT_RETRY, processBatch, type RetryPolicy } from "./process-batch";

export const TERMINAL_STATUSES = ["applied", "already_present", "conflict", "failed"] as const;
/** Statuses an operator's replay takes up again: never applied ones, and those they chose to retry. */
const REPLAYABLE = ["pending", "replaying", "failed", "conflict"];

export type ReplaySelection = { ids: number[] } | { filter: FailedWriteFilters };

export const newReplayOwner = () => `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;

/**
 * Freezes the selection now: the ids are copied into ReplayRunItem when the operator confirms,
 * so writes captured afterwards are not swept in. Failed and conflict writes are set back to pending.
 */
export async function createReplayRun(
  prisma: PrismaClient,
  input: { actor: string; reason?: string; selection: ReplaySelection; batchSize?: number; ratePerSec?: number },
) {
  const where = "ids" in input.selection ? { id: { in: input.selection.ids } } : await failedWriteWhere(prisma, input.selection.filter);
  return prisma.$transaction(async (tx) => {
    const ids = (await tx.failedWrite.findMany({ where: { AND: [where, { status: { in: REPLAYABLE } }] }, select: { id: true }, orderBy: { id: "asc" } })).map((r) => r.id);
    const run = await tx.replayRun.create({
      data: { actor: input.actor, reason: input.reason, selection: input.selection as object, total: ids.length, batchSize: input.batchSize ?? 200, ratePerSec: input.ratePerSec ?? 0 },
    });
    await tx.$executeRaw`INSERT INTO "ReplayRunItem" ("replayRunId", "failedWriteId") SELECT ${run.id}, unnest(${ids}::int[])`;
    await tx.failedWrite.updateMany({ where: { id: { in: ids }, status: { in: ["failed", "conflict"] } }, data: { status: "pending", nextAttemptAt: null } });
    return run;
  });
}

export type RunOptions = { owner?: string; leaseMs?: number; concurrency?: number; retry?: Partial<RetryPolicy>; overwrite?: boolean; signal?: AbortSignal; pollMs?: number };
export type RunSummary = { runId: number; total: number; counts: Record<string, number> };

async function settleItems(prisma: PrismaClient, runId: number): Promise<void> {
  // Writes another replayer finished (or that were terminal already) count as done for this run.
  await prisma.$executeRaw`
    UPDATE "ReplayRunItem" i SET "processedAt" = now(), outcome = w.status
    FROM "FailedWrite" w
    WHERE i."replayRunId" = ${runId} AND i."processedAt" IS NULL AND w.id = i."failedWriteId"
      AND w.status IN ('applied', 'already_present', 'conflict', 'failed')`;
}

/** Works through a run's frozen selection in batches (rate-limited) until every item is settled. */
export async function runReplay(prisma: PrismaClient, runId: number, opts: RunOptions = {}): Promise<RunSummary> {
  const owner = opts.owner ?? newReplayOwner();
  const run = await prisma.replayRun.update({ where: { id: runId }, data: { status: "running", startedAt: new Date() } });
  const ctx = {
    owner,
    runId,
    concurrency: opts.concurrency ?? 8,
    retry: { ...DEFAULT_RETRY, ...opts.retry },
    overwrite: opts.overwrite,
    resolveTarget: targetResolver(prisma),
  };
  const started = Date.now();
  let processed = 0;
  try {
    while (!opts.signal?.aborted) {
      const claimed = await claimWrites(prisma, { runId }, { owner, leaseMs: opts.leaseMs ?? 60_000, limit: run.batchSize });
      if (claimed.length === 0) {
        await settleItems(prisma, runId);
        if ((await prisma.replayRunItem.count({ where: { replayRunId: runId, processedAt: null } })) === 0) break;
        // The rest are leased by another replayer: wait for it to finish them or for its lease to expire.
        await new Promise((r) => setTimeout(r, opts.pollMs ?? 200));
        continue;
      }
      const results = await processBatch(prisma, claimed, ctx);
      await prisma.$executeRaw`
        UPDATE "ReplayRunItem" i SET "processedAt" = now(), outcome = u.status
        FROM unnest(${results.map((r) => r.id)}::int[], ${results.map((r) => r.status)}::text[]) AS u(id, status)
        WHERE i."replayRunId" = ${runId} AND i."failedWriteId" = u.id`;
      processed += results.length;
      await prisma.replayRun.update({ where: { id: runId }, data: { processed: { increment: results.length } } });
      if (run.ratePerSec > 0) {
        const due = (processed / run.ratePerSec) * 1000 - (Date.now() - started);
        if (due > 0) await new Promise((r) => setTimeout(r, due));
      }
    }
  } catch (err) {
    await prisma.replayRun.update({ where: { id: runId }, data: { status: "failed", error: (err as Error).message, finishedAt: new Date() } });
    throw err;
  }
  const summary = await getRunCounts(prisma, runId);
  await prisma.replayRun.update({ where: { id: runId }, data: { status: opts.signal?.aborted ? "stopped" : "done", finishedAt: new Date() } });
  await writeActionLog(prisma, {
    actor: run.actor,
    action: "replay_failed_writes",
    target: { replayRunId: runId, total: run.total, selection: run.selection },
    reason: run.reason,
    outcome: describeCounts(summary.counts) || "nothing to replay",
    detail: { counts: summary.counts, owner, overwrite: !!opts.overwrite },
  });
  return summary;
}

export function describeCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k.replace("_", " ")}`)
    .join(", ");
}

export async function getRunCounts(prisma: PrismaClient, runId: number): Promise<RunSummary> {
  const run = await prisma.replayRun.findUniqueOrThrow({ where: { id: runId } });
  const groups = await prisma.replayRunItem.groupBy({ by: ["outcome"], where: { replayRunId: runId }, _count: { _all: true } });
  const counts: Record<string, number> = {};
  for (const g of groups) counts[g.outcome ?? "waiting"] = g._count._all;
  return { runId, total: run.total, counts };
}
