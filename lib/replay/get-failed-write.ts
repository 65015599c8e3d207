import "server-only";
import type { PrismaClient } from "../store/generated/client";
import type { TargetState } from "./apply-types";
import { readTarget, targetResolver, toWriteToApply } from "./apply-write";
import { errorText } from "./error-kinds";
import type { FailedWriteRow } from "./list-failed-writes";

export type FailedWriteDetail = FailedWriteRow & {
  payload: Record<string, unknown>;
  context: Record<string, unknown>;
  origin: string;
  outcomeDetail: unknown;
  attemptRows: { attempt: number; worker: string; startedAt: string; finishedAt: string; outcome: string; error: string | null; replayRunId: number | null }[];
  /** What the target holds for the key now, compared with the payload. */
  target: TargetState;
};

export async function getFailedWrite(prisma: PrismaClient, id: number): Promise<FailedWriteDetail | null> {
  const w = await prisma.failedWrite.findUnique({
    where: { id },
    include: { source: { select: { id: true, name: true, kind: true, demo: true } }, attemptRows: { orderBy: [{ attempt: "asc" }, { id: "asc" }] } },
  });
  if (!w) return null;
  let target: TargetState;
  try {
    const t = await targetResolver(prisma)(w.sourceId);
    target = await readTarget(t, toWriteToApply({ ...w, operation: w.operation as "insert", idempotencyKey: w.idempotencyKey as Record<string, string>, payload: w.payload as Record<string, unknown> }));
  } catch (err) {
    target = { state: "error", error: errorText(err) };
  }
  return {
    id: w.id,
    source: w.source,
    namespace: w.namespace,
    operation: w.operation,
    key: w.idempotencyKey as Record<string, unknown>,
    error: w.error,
    errorKind: w.errorKind,
    status: w.status,
    attempts: w.attempts,
    occurredAt: w.occurredAt.toISOString(),
    nextAttemptAt: w.nextAttemptAt?.toISOString() ?? null,
    lastError: w.lastError,
    payload: w.payload as Record<string, unknown>,
    context: w.context as Record<string, unknown>,
    origin: w.origin,
    outcomeDetail: w.outcomeDetail,
    attemptRows: w.attemptRows.map((a) => ({
      attempt: a.attempt,
      worker: a.worker,
      startedAt: a.startedAt.toISOString(),
      finishedAt: a.finishedAt.toISOString(),
      outcome: a.outcome,
      error: a.error,
      replayRunId: a.replayRunId,
    })),
    target,
  };
}
