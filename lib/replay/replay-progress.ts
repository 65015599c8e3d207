import "server-only";
import type { PrismaClient } from "../store/generated/client";
import { getRunCounts } from "./replay-run";

export type ReplayProgress = {
  id: number;
  status: string;
  total: number;
  processed: number;
  counts: Record<string, number>;
  createdAt: string;
  finishedAt: string | null;
  error: string | null;
};

export async function getReplayProgress(prisma: PrismaClient, id: number): Promise<ReplayProgress | null> {
  const run = await prisma.replayRun.findUnique({ where: { id } });
  if (!run) return null;
  const { counts } = await getRunCounts(prisma, id);
  delete counts.waiting;
  const settled = Object.values(counts).reduce((a, n) => a + n, 0);
  return {
    id,
    status: run.status,
    total: run.total,
    processed: Math.max(run.processed, settled),
    counts,
    createdAt: run.createdAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    error: run.error,
  };
}
