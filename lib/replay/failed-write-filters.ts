import "server-only";
import { z } from "zod";
import { INT4_MAX, isoDateTimeParam, textParam } from "../http/params";
import type { Prisma, PrismaClient } from "../store/generated/client";
import { ERROR_KINDS } from "./error-kinds";

export const FAILED_WRITE_STATUSES = ["pending", "replaying", "applied", "already_present", "conflict", "failed"] as const;

export const FailedWriteFiltersSchema = z.object({
  status: z.enum(FAILED_WRITE_STATUSES).optional(),
  /** A source's name, or its id (digits: then it must fit the int4 column). */
  source: textParam(80)
    .refine((s) => !/^\d+$/.test(s) || (s.length <= 10 && Number(s) <= INT4_MAX), `a source id must be at most ${INT4_MAX}`)
    .optional(),
  namespace: textParam(300).optional(),
  errorKind: z.enum(ERROR_KINDS).optional(),
  from: isoDateTimeParam.optional(),
  to: isoDateTimeParam.optional(),
  q: textParam(200).optional(),
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
    and.push({
      OR: [{ id: { in: hits.map((h) => h.id) } }, { error: { contains: f.q, mode: "insensitive" } }, { namespace: { contains: f.q, mode: "insensitive" } }],
    });
  }
  return { AND: and };
}
