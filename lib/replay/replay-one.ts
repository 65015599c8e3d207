import "server-only";
import { HttpError } from "../http/errors";
import type { PrismaClient } from "../store/generated/client";
import type { ReplayOrigin } from "./replay-origin";
import { createReplayRun, runReplay } from "./replay-run";

/**
 * Replays one write now and returns its outcome. `overwrite` is the operator's explicit choice
 * for a conflict: the payload is written over the target's record (and the audit row says so).
 */
export async function replayOneNow(prisma: PrismaClient, id: number, input: { actor: string; origin: ReplayOrigin; reason: string; overwrite?: boolean }) {
  const w = await prisma.failedWrite.findUnique({ where: { id }, select: { status: true } });
  if (!w) throw new HttpError(404, "not_found", `no failed write ${id}`);
  if (input.overwrite && w.status !== "conflict") throw new HttpError(409, "not_conflict", `overwrite is for a write in conflict; ${id} is ${w.status}`);
  if (w.status === "applied" || w.status === "already_present")
    throw new HttpError(409, "already_done", `failed write ${id} is already ${w.status.replace("_", " ")}`);
  const run = await createReplayRun(prisma, { actor: input.actor, origin: input.origin, reason: input.reason, selection: { ids: [id] }, batchSize: 1 });
  const summary = await runReplay(prisma, run.id, { overwrite: input.overwrite, concurrency: 1 });
  const after = await prisma.failedWrite.findUniqueOrThrow({ where: { id } });
  return { runId: run.id, counts: summary.counts, status: after.status, lastError: after.lastError, nextAttemptAt: after.nextAttemptAt?.toISOString() ?? null };
}
