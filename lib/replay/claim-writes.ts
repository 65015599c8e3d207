import "server-only";
import { Prisma, type PrismaClient } from "../store/generated/client";

export type ClaimedWrite = {
  id: number;
  sourceId: number;
  namespace: string;
  operation: "insert" | "upsert" | "update";
  idempotencyKey: Record<string, string | number | boolean>;
  payload: Record<string, unknown>;
  attempts: number;
};

export type ClaimScope = { runId: number } | { retryDue: true };

/**
 * pending (or replaying with an expired lease) → replaying with our lease, in one statement:
 * FOR UPDATE SKIP LOCKED lets concurrent replayers pass over each other's rows instead of
 * waiting, and the status/lease condition is re-checked on the locked row, so a write is never
 * claimed twice while a lease is live.
 */
export async function claimWrites(prisma: PrismaClient, scope: ClaimScope, opts: { owner: string; leaseMs: number; limit: number }): Promise<ClaimedWrite[]> {
  const where =
    "runId" in scope
      ? Prisma.sql`w.id IN (SELECT "failedWriteId" FROM "ReplayRunItem" WHERE "replayRunId" = ${scope.runId} AND "processedAt" IS NULL)
          AND (w.status = 'pending' OR (w.status = 'replaying' AND w."leaseUntil" < now()))`
      : Prisma.sql`((w.status = 'pending' AND w."nextAttemptAt" <= now()) OR (w.status = 'replaying' AND w."leaseUntil" < now()))`;
  return prisma.$queryRaw<ClaimedWrite[]>`
    UPDATE "FailedWrite" f
    SET status = 'replaying', "leaseOwner" = ${opts.owner},
        "leaseUntil" = now() + (${opts.leaseMs}::int * interval '1 millisecond'), "updatedAt" = now()
    WHERE f.id IN (
      SELECT w.id FROM "FailedWrite" w
      WHERE ${where}
      ORDER BY w.id
      LIMIT ${opts.limit}
      FOR UPDATE SKIP LOCKED
    )
    AND (f.status = 'pending' OR (f.status = 'replaying' AND f."leaseUntil" < now()))
    RETURNING f.id, f."sourceId", f.namespace, f.operation, f."idempotencyKey", f.payload, f.attempts`;
}

export type FinishedWrite = {
  id: number;
  status: "applied" | "already_present" | "conflict" | "failed" | "pending";
  tries: number;
  lastError: string | null;
  nextAttemptAt: Date | null;
  outcomeDetail: unknown;
};

/** Ends our lease on each write, only where we still hold it (a taken-over lease is not ours to end). */
export async function finishWrites(prisma: PrismaClient, owner: string, done: FinishedWrite[]): Promise<number[]> {
  if (done.length === 0) return [];
  const rows = await prisma.$queryRaw<{ id: number }[]>`
    UPDATE "FailedWrite" f
    SET status = u.status, attempts = f.attempts + u.tries, "lastError" = u.err, "nextAttemptAt" = u.next,
        "outcomeDetail" = COALESCE(u.detail, f."outcomeDetail"),
        "resolvedAt" = CASE WHEN u.status IN ('applied', 'already_present') THEN now() ELSE f."resolvedAt" END,
        "leaseOwner" = NULL, "leaseUntil" = NULL, "updatedAt" = now()
    FROM unnest(${done.map((d) => d.id)}::int[], ${done.map((d) => d.status)}::text[], ${done.map((d) => d.tries)}::int[],
                ${done.map((d) => d.lastError)}::text[], ${done.map((d) => d.nextAttemptAt)}::timestamptz[],
                ${done.map((d) => (d.outcomeDetail === undefined ? null : JSON.stringify(d.outcomeDetail)))}::jsonb[])
         AS u(id, status, tries, err, next, detail)
    WHERE f.id = u.id AND f."leaseOwner" = ${owner} AND f.status = 'replaying'
    RETURNING f.id`;
  return rows.map((r) => r.id);
}
