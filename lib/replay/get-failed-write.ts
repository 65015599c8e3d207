import "server-only";
import type { PrismaClient } from "../store/generated/client";
import type { TargetState, WriteToApply } from "./apply-types";
import { readTarget, targetResolver, toWriteToApply } from "./apply-write";
import { errorText } from "./error-kinds";
import type { FailedWriteRow } from "./list-failed-writes";
import { replayerWords, RETRY_REASON } from "./replay-origin";

export type FailedWriteDetail = FailedWriteRow & {
  payload: Record<string, unknown>;
  context: Record<string, unknown>;
  origin: string;
  outcomeDetail: unknown;
  attemptRows: {
    attempt: number;
    /** The replayer's technical id (host:pid:hex), for a tooltip. */
    worker: string;
    /** Who and from where, in words: "run #12 by ana@… from the dashboard", "the retry job". */
    by: string;
    reason: string | null;
    startedAt: string;
    finishedAt: string;
    outcome: string;
    error: string | null;
    replayRunId: number | null;
  }[];
  /** What the target holds for the key now, compared with the payload. */
  target: TargetState;
};

/**
 * A replay stores the record it read back; one stored before reads were narrowed to the write's
 * own fields may hold every column of the row, so it is narrowed here too.
 */
function onlyWriteFields(detail: unknown, w: WriteToApply): unknown {
  const record = (detail as { record?: unknown } | null)?.record;
  if (!record || typeof record !== "object") return detail;
  const fields = new Set([
    ...Object.keys(w.key),
    ...Object.keys(w.payload.document ?? {}),
    ...Object.keys(w.payload.update?.$set ?? {}),
    ...Object.keys(w.payload.update?.$unset ?? {}),
  ]);
  return { ...(detail as object), record: Object.fromEntries(Object.entries(record).filter(([k]) => fields.has(k))) };
}

export async function getFailedWrite(prisma: PrismaClient, id: number): Promise<FailedWriteDetail | null> {
  const w = await prisma.failedWrite.findUnique({
    where: { id },
    include: { source: { select: { id: true, name: true, kind: true, demo: true } }, attemptRows: { orderBy: [{ attempt: "asc" }, { id: "asc" }] } },
  });
  if (!w) return null;
  const runIds = [...new Set(w.attemptRows.map((a) => a.replayRunId).filter((id): id is number => id !== null))];
  const runs = new Map(
    (await prisma.replayRun.findMany({ where: { id: { in: runIds } }, select: { id: true, actor: true, origin: true, reason: true } })).map((r) => [r.id, r]),
  );
  let target: TargetState;
  const write = toWriteToApply({
    ...w,
    operation: w.operation as "insert",
    idempotencyKey: w.idempotencyKey as Record<string, string>,
    payload: w.payload as Record<string, unknown>,
  });
  try {
    target = await readTarget(await targetResolver(prisma)(w.sourceId), write);
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
    outcomeDetail: target.state === "refused" ? null : onlyWriteFields(w.outcomeDetail, write),
    attemptRows: w.attemptRows.map((a) => ({
      attempt: a.attempt,
      worker: a.worker,
      by: replayerWords(a.worker, a.replayRunId === null ? null : runs.get(a.replayRunId)),
      reason: a.replayRunId === null ? (a.worker.startsWith("retry:") ? RETRY_REASON : null) : (runs.get(a.replayRunId)?.reason ?? null),
      startedAt: a.startedAt.toISOString(),
      finishedAt: a.finishedAt.toISOString(),
      outcome: a.outcome,
      error: a.error,
      replayRunId: a.replayRunId,
    })),
    target,
  };
}
