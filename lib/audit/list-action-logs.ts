import "server-only";
import { z } from "zod";
import type { PrismaClient } from "../store/generated/client";

export const ListActionLogsQuerySchema = z.object({
  action: z.string().min(1).max(64).optional(),
  actor: z.string().min(1).max(120).optional(),
  outcome: z.string().min(1).max(64).optional(),
  source: z.string().min(1).max(80).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  /** id of the last row of the previous page (rows come newest first). */
  cursor: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(50_000).default(100),
});
export type ListActionLogsQuery = z.infer<typeof ListActionLogsQuerySchema>;

export type ActionLogRow = {
  id: number;
  at: string;
  actor: string;
  action: string;
  source: string | null;
  target: unknown;
  reason: string | null;
  before: unknown;
  outcome: string;
  detail: unknown;
};

export async function listActionLogs(prisma: PrismaClient, q: ListActionLogsQuery): Promise<{ items: ActionLogRow[]; nextCursor: number | null }> {
  const rows = await prisma.actionLog.findMany({
    where: {
      action: q.action,
      actor: q.actor,
      outcome: q.outcome,
      source: q.source ? { name: q.source } : undefined,
      at: q.from || q.to ? { gte: q.from ? new Date(q.from) : undefined, lte: q.to ? new Date(q.to) : undefined } : undefined,
      id: q.cursor ? { lt: q.cursor } : undefined,
    },
    include: { source: { select: { name: true } } },
    orderBy: { id: "desc" },
    take: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  return {
    items: page.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      actor: r.actor,
      action: r.action,
      source: r.source?.name ?? null,
      target: r.target,
      reason: r.reason,
      before: r.before,
      outcome: r.outcome,
      detail: r.detail,
    })),
    nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null,
  };
}
