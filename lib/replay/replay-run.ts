import "server-only";
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { writeActionLog } from "../audit/write-action-log";
import { maskSecretsIn } from "../sources/secret-box";
import type { PrismaClient } from "../store/generated/client";
import { targetResolver } from "./apply-write";
import { claimWrites } from "./claim-writes";
import { failedWriteWhere, type FailedWriteFilters } from "./failed-write-filters";
import { DEFAULT_RETRY, processBatch, type RetryPolicy } from "./process-batch";
import type { ReplayOrigin } from "./replay-origin";
import { ReplayReasonSchema } from "./replay-reason";

/** Statuses an operator's replay takes up again: never applied ones, and those they chose to retry. */
export const REPLAYABLE = ["pending", "replaying", "failed", "conflict"];

export type ReplaySelection = { ids: number[] } | { filter: FailedWriteFilters };

export const newReplayOwner = () => `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;

/** The writes a replay of `selection` takes up: those of it still replayable (the preview counts the same set). */
export async function replayableWhere(prisma: PrismaClient, selection: ReplaySelection) {
  const where = "ids" in selection ? { id: { in: selection.ids } } : await failedWriteWhere(prisma, selection.filter);
  return { AND: [where, { status: { in: REPLAYABLE } }] };
}

export type NewReplayRun = {
  /** Who: the signed-in user's email, `cli:<os user>` for the command line. */
  actor: string;
  origin: ReplayOrigin;
  /** Required, as for lock actions: kept on the run and in its replay.start and replay.run rows. */
  reason: string;
  selection: ReplaySelection;
  batchSize?: number;
  ratePerSec?: number;
};

/**
 * Freezes the selection now: the ids are copied into ReplayRunItem when the operator confirms,
 * so writes captured afterwards are not swept in. Failed and conflict writes are set back to pending.
 */
export async function createReplayRun(prisma: PrismaClient, input: NewReplayRun) {
  const reason = ReplayReasonSchema.parse(input.reason);
  const sel = input.selection;
  const chosen = "ids" in sel ? sel.ids : null;
  const where = chosen ? null : await replayableWhere(prisma, sel);
  return prisma.$transaction(
    async (tx) => {
      // A list of ids travels as one array parameter: as Prisma's `in` it would be one bind
      // parameter per id, and a 10,000-write selection frozen that way took seconds.
      const rows = chosen
        ? await tx.$queryRaw<{ id: number }[]>`
            SELECT id FROM "FailedWrite" WHERE id = ANY(${chosen}::int[]) AND status = ANY(${REPLAYABLE}::text[]) ORDER BY id`
        : await tx.failedWrite.findMany({ where: where!, select: { id: true }, orderBy: { id: "asc" } });
      const ids = rows.map((r) => r.id);
      const run = await tx.replayRun.create({
        data: {
          actor: input.actor,
          origin: input.origin,
          reason,
          selection: sel as object,
          total: ids.length,
          batchSize: input.batchSize ?? 200,
          ratePerSec: input.ratePerSec ?? 0,
        },
      });
      await tx.$executeRaw`INSERT INTO "ReplayRunItem" ("replayRunId", "failedWriteId") SELECT ${run.id}, unnest(${ids}::int[])`;
      await tx.$executeRaw`
        UPDATE "FailedWrite" SET status = 'pending', "nextAttemptAt" = NULL
        WHERE id = ANY(${ids}::int[]) AND status IN ('failed', 'conflict')`;
      await writeActionLog(tx, {
        actor: input.actor,
        action: "replay.start",
        target: { replayRunId: run.id, total: ids.length, selection: run.selection },
        reason,
        outcome: "started",
        detail: { origin: input.origin, batchSize: run.batchSize, ratePerSec: run.ratePerSec },
      });
      return run;
    },
    // Freezing a large filter selection on a busy store is seconds of real work, not a stuck
    // transaction: Prisma's 5 s default would refuse the run the operator confirmed.
    { timeout: 60_000 },
  );
}

export type RunOptions = {
  /** Where this worker runs, when not where the run was started (`npm run replay -- --run ID` takes over a dashboard run). */
  workedFrom?: ReplayOrigin;
  owner?: string;
  leaseMs?: number;
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  overwrite?: boolean;
  signal?: AbortSignal;
  pollMs?: number;
};
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
  const runLog = {
    actor: run.actor,
    action: "replay.run" as const,
    target: { replayRunId: runId, total: run.total, selection: run.selection },
    reason: run.reason,
    detail: { origin: run.origin, workedFrom: opts.workedFrom ?? run.origin, owner, overwrite: !!opts.overwrite },
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
    // A store that just failed may fail this read too: the original error is the one to throw.
    const counts = await getRunCounts(prisma, runId).then(
      (c) => c.counts,
      () => ({}),
    );
    await prisma.$transaction(async (tx) => {
      await tx.replayRun.update({ where: { id: runId }, data: { status: "failed", error: (err as Error).message, finishedAt: new Date() } });
      await writeActionLog(tx, { ...runLog, outcome: `failed: ${maskSecretsIn((err as Error).message)}`.slice(0, 500), detail: { ...runLog.detail, counts } });
    });
    throw err;
  }
  const summary = await getRunCounts(prisma, runId);
  // The run's end and its audit row commit together; each write's own outcome is on its FailedWrite and ReplayRunItem rows.
  await prisma.$transaction(async (tx) => {
    await tx.replayRun.update({ where: { id: runId }, data: { status: opts.signal?.aborted ? "stopped" : "done", finishedAt: new Date() } });
    await writeActionLog(tx, {
      ...runLog,
      outcome: describeCounts(summary.counts) || "nothing to replay",
      detail: { ...runLog.detail, counts: summary.counts },
    });
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
