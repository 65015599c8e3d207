import "server-only";
import { z } from "zod";
import { int4IdParam, isoDateTimeParam, textParam } from "../http/params";
import type { PrismaClient } from "../store/generated/client";
import { describeAction } from "./describe-action";
import type { AuditRowLike } from "./audit-values";

/** The Audit page's relative time ranges: kept relative in the URL, so a reload shows the last hour again. */
export const AUDIT_RANGES = { "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000 } as const;
export type AuditRange = keyof typeof AUDIT_RANGES;

export const ListActionLogsQuerySchema = z.object({
  /** A full name (`token.revoke`) or a noun (`token`: every token action); names are in action-names.ts. */
  action: textParam(64, { trim: false }).optional(),
  actor: textParam(120, { trim: false }).optional(),
  outcome: textParam(64, { trim: false }).optional(),
  source: textParam(80, { trim: false }).optional(),
  from: isoDateTimeParam.optional(),
  to: isoDateTimeParam.optional(),
  /** The last hour, day, week or month (ignored for the start when `from` is given). */
  range: z.enum(Object.keys(AUDIT_RANGES) as [AuditRange, ...AuditRange[]]).optional(),
  /** id of the last row of the previous page (rows come newest first). */
  cursor: int4IdParam.optional(),
  limit: z.coerce.number().int().min(1).max(50_000).default(100),
});
export type ListActionLogsQuery = z.infer<typeof ListActionLogsQuerySchema>;

export type ActionLogRow = AuditRowLike & {
  id: number;
  at: string;
  /** The row as one sentence (lib/audit/describe-action.ts). */
  sentence: string;
};

/** The start of the window: `from`, else now minus `range`. */
export function auditWindowStart(q: Pick<ListActionLogsQuery, "from" | "range">, now = Date.now()): Date | undefined {
  if (q.from) return new Date(q.from);
  return q.range ? new Date(now - AUDIT_RANGES[q.range]) : undefined;
}

export async function listActionLogs(prisma: PrismaClient, q: ListActionLogsQuery): Promise<{ items: ActionLogRow[]; nextCursor: number | null }> {
  const from = auditWindowStart(q);
  const rows = await prisma.actionLog.findMany({
    where: {
      action: q.action && !q.action.includes(".") ? { startsWith: `${q.action}.` } : q.action,
      actor: q.actor,
      outcome: q.outcome,
      source: q.source ? { name: q.source } : undefined,
      at: from || q.to ? { gte: from, lte: q.to ? new Date(q.to) : undefined } : undefined,
      id: q.cursor ? { lt: q.cursor } : undefined,
    },
    include: { source: { select: { name: true } } },
    orderBy: { id: "desc" },
    take: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  return {
    items: page.map((r) => {
      const row = {
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
      };
      return { ...row, sentence: describeAction(row) };
    }),
    nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null,
  };
}
