import "server-only";
import { z } from "zod";
import { INT4_MAX } from "../http/params";
import type { PrismaClient } from "../store/generated/client";
import { failedWriteWhere, FailedWriteFiltersSchema } from "./failed-write-filters";

export const ListFailedWritesQuerySchema = FailedWriteFiltersSchema.extend({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(INT4_MAX).default(0),
});
export type ListFailedWritesQuery = z.infer<typeof ListFailedWritesQuerySchema>;

export type FailedWriteRow = {
  id: number;
  source: { id: number; name: string; kind: string; demo: boolean };
  namespace: string;
  operation: string;
  key: Record<string, unknown>;
  error: string;
  errorKind: string;
  status: string;
  attempts: number;
  occurredAt: string;
  nextAttemptAt: string | null;
  lastError: string | null;
};

export type FailedWriteList = {
  items: FailedWriteRow[];
  total: number;
  /** Counts under the same filter, by error kind (the page's grouping) and by status. */
  byErrorKind: { errorKind: string; count: number }[];
  byStatus: { status: string; count: number }[];
  unparsed: number;
};

export async function listFailedWrites(prisma: PrismaClient, q: ListFailedWritesQuery): Promise<FailedWriteList> {
  const where = await failedWriteWhere(prisma, q);
  const [rows, total, kinds, statuses, unparsed] = await Promise.all([
    prisma.failedWrite.findMany({
      where,
      orderBy: [{ occurredAt: "desc" }, { id: "desc" }],
      take: q.limit,
      skip: q.offset,
      include: { source: { select: { id: true, name: true, kind: true, demo: true } } },
    }),
    prisma.failedWrite.count({ where }),
    prisma.failedWrite.groupBy({ by: ["errorKind"], where, _count: { _all: true } }),
    prisma.failedWrite.groupBy({ by: ["status"], where, _count: { _all: true } }),
    prisma.unparsedFailedWrite.count(),
  ]);
  return {
    items: rows.map((r) => ({
      id: r.id,
      source: r.source,
      namespace: r.namespace,
      operation: r.operation,
      key: r.idempotencyKey as Record<string, unknown>,
      error: r.error,
      errorKind: r.errorKind,
      status: r.status,
      attempts: r.attempts,
      occurredAt: r.occurredAt.toISOString(),
      nextAttemptAt: r.nextAttemptAt?.toISOString() ?? null,
      lastError: r.lastError,
    })),
    total,
    byErrorKind: kinds.map((k) => ({ errorKind: k.errorKind, count: k._count._all })).sort((a, b) => b.count - a.count),
    byStatus: statuses.map((s) => ({ status: s.status, count: s._count._all })),
    unparsed,
  };
}
