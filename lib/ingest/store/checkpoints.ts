import "server-only";
import type { PrismaClient } from "../../store/generated/client";

export type SavedCheckpoint = { fileId: string; offset: number; updatedAt: Date };

/** Where a followed stream was read up to (saved by the store with its batches, see event-writer.ts). */
export async function getCheckpoint(prisma: PrismaClient, sourceId: number, stream: string): Promise<SavedCheckpoint | null> {
  const row = await prisma.ingestCheckpoint.findUnique({ where: { sourceId_stream: { sourceId, stream } } });
  return row ? { fileId: row.fileId, offset: Number(row.offset), updatedAt: row.updatedAt } : null;
}

export async function listCheckpoints(prisma: PrismaClient, sourceId: number) {
  const rows = await prisma.ingestCheckpoint.findMany({ where: { sourceId }, orderBy: { updatedAt: "desc" } });
  return rows.map((r) => ({ stream: r.stream, fileId: r.fileId, offset: Number(r.offset), updatedAt: r.updatedAt }));
}
