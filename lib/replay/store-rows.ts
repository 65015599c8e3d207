import "server-only";
import type { Prisma, PrismaClient } from "../store/generated/client";

// Bulk inserts as one unnest() statement each: Prisma's createMany binds every field of every row
// as its own parameter and is ~10x slower for thousands of JSON rows.

export type NewFailedWrite = {
  sourceId: number;
  namespace: string;
  operation: string;
  idempotencyKey: object;
  keyHash: string;
  payload: object;
  error: string;
  errorKind: string;
  occurredAt: Date;
  origin: string;
  captureKey: string;
  context: object;
};

/** Inserts the writes not stored yet (same captureKey = same submission); returns the new ids. */
export async function insertFailedWrites(prisma: Prisma.TransactionClient, rows: NewFailedWrite[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const col = <T>(f: (r: NewFailedWrite) => T) => rows.map(f);
  const json = (f: (r: NewFailedWrite) => object) => rows.map((r) => JSON.stringify(f(r)));
  const out = await prisma.$queryRaw<{ id: number }[]>`
    INSERT INTO "FailedWrite" ("sourceId", namespace, operation, "idempotencyKey", "keyHash", payload, error, "errorKind",
                               "occurredAt", origin, "captureKey", context, "updatedAt")
    SELECT u.*, now() FROM unnest(${col((r) => r.sourceId)}::int[], ${col((r) => r.namespace)}::text[], ${col((r) => r.operation)}::text[],
      ${json((r) => r.idempotencyKey)}::jsonb[], ${col((r) => r.keyHash)}::text[], ${json((r) => r.payload)}::jsonb[],
      ${col((r) => r.error)}::text[], ${col((r) => r.errorKind)}::text[], ${col((r) => r.occurredAt)}::timestamptz[],
      ${col((r) => r.origin)}::text[], ${col((r) => r.captureKey)}::text[], ${json((r) => r.context)}::jsonb[]) AS u
    ON CONFLICT ("captureKey") DO NOTHING
    RETURNING id`;
  return out.map((r) => r.id).sort((a, b) => a - b);
}

export type NewAttempt = {
  failedWriteId: number;
  attempt: number;
  replayRunId: number | null;
  worker: string;
  startedAt: Date;
  finishedAt: Date;
  outcome: string;
  error: string | null;
  detail: object;
};

export async function insertAttempts(prisma: PrismaClient, rows: NewAttempt[]): Promise<void> {
  if (rows.length === 0) return;
  const col = <T>(f: (r: NewAttempt) => T) => rows.map(f);
  await prisma.$executeRaw`
    INSERT INTO "FailedWriteAttempt" ("failedWriteId", attempt, "replayRunId", worker, "startedAt", "finishedAt", outcome, error, detail)
    SELECT * FROM unnest(${col((r) => r.failedWriteId)}::int[], ${col((r) => r.attempt)}::int[], ${col((r) => r.replayRunId)}::int[],
      ${col((r) => r.worker)}::text[], ${col((r) => r.startedAt)}::timestamptz[], ${col((r) => r.finishedAt)}::timestamptz[],
      ${col((r) => r.outcome)}::text[], ${col((r) => r.error)}::text[], ${col((r) => JSON.stringify(r.detail))}::jsonb[])`;
}
