import "server-only";
import type { PrismaClient } from "../store/generated/client";
import { PermanentApplyError } from "./apply-types";
import { applyWrite, toWriteToApply, type Target } from "./apply-write";
import { finishWrites, type ClaimedWrite, type FinishedWrite } from "./claim-writes";
import { errorText, isTransientError } from "./error-kinds";
import { insertAttempts, type NewAttempt } from "./store-rows";

export type RetryPolicy = {
  /** Tries within one claim before the write is handed back with a next attempt time. */
  triesPerClaim: number;
  /** Attempts over the write's whole life before a transient failure becomes `failed`. */
  maxAttempts: number;
  inlineBaseMs: number;
  scheduleBaseMs: number;
};

export const DEFAULT_RETRY: RetryPolicy = { triesPerClaim: 3, maxAttempts: 8, inlineBaseMs: 100, scheduleBaseMs: 5000 };

/** Exponential backoff with "equal jitter": half fixed, half random, so retries spread out. */
export function backoffMs(n: number, baseMs: number, capMs = 10 * 60_000): number {
  const exp = Math.min(capMs, baseMs * 2 ** Math.max(0, n - 1));
  return Math.round(exp / 2 + (Math.random() * exp) / 2);
}

type AttemptRow = NewAttempt;

async function processOne(w: ClaimedWrite, ctx: BatchContext, attempts: AttemptRow[]): Promise<FinishedWrite> {
  const write = toWriteToApply(w, ctx.overwrite);
  for (let tries = 1; ; tries++) {
    const n = w.attempts + tries;
    const startedAt = new Date();
    const row = (outcome: string, error: string | null, detail: object = {}) =>
      attempts.push({ failedWriteId: w.id, attempt: n, replayRunId: ctx.runId, worker: ctx.owner, startedAt, finishedAt: new Date(), outcome, error, detail });
    try {
      const target = await ctx.resolveTarget(w.sourceId);
      const result = await applyWrite(target, write);
      row(result.outcome, null, { diff: result.diff, ...(ctx.overwrite ? { overwrite: true } : {}) });
      return { id: w.id, status: result.outcome, tries, lastError: null, nextAttemptAt: null, outcomeDetail: { record: result.record, diff: result.diff } };
    } catch (err) {
      const message = errorText(err);
      const transient = !(err instanceof PermanentApplyError) && isTransientError(err);
      row(transient ? "transient_error" : "failed", message);
      if (!transient || n >= ctx.retry.maxAttempts)
        return { id: w.id, status: "failed", tries, lastError: message, nextAttemptAt: null, outcomeDetail: undefined };
      if (tries >= ctx.retry.triesPerClaim) {
        const next = new Date(Date.now() + backoffMs(n, ctx.retry.scheduleBaseMs));
        return { id: w.id, status: "pending", tries, lastError: message, nextAttemptAt: next, outcomeDetail: undefined };
      }
      await new Promise((r) => setTimeout(r, backoffMs(tries, ctx.retry.inlineBaseMs)));
    }
  }
}

export type BatchContext = {
  owner: string;
  runId: number | null;
  concurrency: number;
  retry: RetryPolicy;
  overwrite?: boolean;
  resolveTarget: (sourceId: number) => Promise<Target>;
};

/** Applies a claimed batch (a few writes at a time), then records attempts and results in two statements. */
export async function processBatch(prisma: PrismaClient, claimed: ClaimedWrite[], ctx: BatchContext): Promise<FinishedWrite[]> {
  const attempts: AttemptRow[] = [];
  const results: FinishedWrite[] = [];
  let next = 0;
  const worker = async () => {
    while (next < claimed.length) results.push(await processOne(claimed[next++], ctx, attempts));
  };
  await Promise.all(Array.from({ length: Math.min(ctx.concurrency, claimed.length) }, worker));
  await insertAttempts(prisma, attempts);
  await finishWrites(prisma, ctx.owner, results);
  return results;
}
