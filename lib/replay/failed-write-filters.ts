import "server-only";
import { z } from "zod";
import type { Prisma, PrismaClient } from "../store/generated/client";
import { ERROR_KINDS } from "./error-kinds";

export const FAILED_WRITE_STATUSES = ["pending", "replaying", "applied", "already_present", "conflict", "failed"] as const;

export const FailedWriteFiltersSchema = z.object({
  status: z.enum(FAILED_WRITE_STATUSES).optional(),
  source: z.string().trim().min(1).max(80).optional(),
  namespace: z.string().trim().min(1).max(300).optional(),
  errorKind: z.enum(ERROR_KINDS).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  q: z.string().trim().min(1).max(200).optional(),
});
export type FailedWriteFilters = z.infer<typeof FailedWriteFiltersSchema>;

/** The Prisma where of a filter; `q` searches the key and the payload's text (raw ILIKE). */
export async function failedWriteWhere(prisma: PrismaClient, f: FailedWriteFilters): Promise<Prisma.FailedWriteWhereInput> {
  const and: Prisma.FailedWriteWhereInput[] = [];
  if (f.status) and.push({ status: f.status });
  if (f.source) and.push(/^\d+$/.test(f.source) ? { sourceId: Number(f.source) } : { source: { name: f.source } });
  if (f.namespace) and.push({ namespace: f.namespace });
  if (f.errorKind) and.push({ errorKind: f.errorKind });
  if (f.from) and.push({ occurredAt: { gte: new Date(f.from) } });
  if (f.to) and.push({ occurredAt: { lte: new Date(f.to) } });
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const hits = await prisma.$queryRaw<{ id: number }[]>`
      SELECT id FROM "FailedWrite"
      WHERE "idempotencyKey"::text ILIKE ${like} OR payload::text ILIKE ${like}
      ORDER BY id DESC LIMIT 10000`;
    and.push({ OR: [{ id: { in: hits.map((h) => h.id) } }, { error: { contains: f.q, mode: "insensitive" } }, { namespace: { contains: f.q, mode: "insensitive" } }] });
  }
  return { AND: and };
}
