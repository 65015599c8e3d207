import "server-only";
import { z } from "zod";
import type { PrismaClient } from "../store/generated/client";
import { originWords, starterParts } from "./replay-origin";

export const ListReplayRunsQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });

export type ReplayRunRow = {
  id: number;
  createdAt: string;
  finishedAt: string | null;
  /** The signed-in user's email, or `cli:<os user>`. */
  actor: string;
  origin: string;
  /** "from the dashboard", "from the command line", "by the retry job". */
  originWords: string;
  /** Who and from where, as the run list shows them ("ana@…" / "from the dashboard"; "the retry job" / ""). */
  starter: { who: string; where: string };
  reason: string | null;
  status: string;
  total: number;
  counts: Record<string, number>;
  /** The replayers' technical ids (host:pid:hex) and where each worked from, for a tooltip. */
  workers: { owner: string; workedFrom: string }[];
  error: string | null;
};

type WorkerRow = { runId: number; owner: string | null; workedFrom: string | null };

/** The latest replay runs, newest first: who started each, from where, why, and how it ended. */
export async function listReplayRuns(prisma: PrismaClient, q: { limit: number }): Promise<ReplayRunRow[]> {
  const runs = await prisma.replayRun.findMany({ orderBy: { id: "desc" }, take: q.limit });
  if (runs.length === 0) return [];
  const ids = runs.map((r) => r.id);
  const [groups, workers] = await Promise.all([
    prisma.replayRunItem.groupBy({ by: ["replayRunId", "outcome"], where: { replayRunId: { in: ids } }, _count: { _all: true } }),
    // The replay.run rows name each worker (GIN on target): no scan of every attempt.
    prisma.$queryRaw<WorkerRow[]>`
      SELECT (a.target->>'replayRunId')::int AS "runId", a.detail->>'owner' AS owner, a.detail->>'workedFrom' AS "workedFrom"
      FROM "ActionLog" a
      WHERE a.action IN ('replay.run', 'replay.retry') AND a.target @> ANY(${ids.map((id) => JSON.stringify({ replayRunId: id }))}::jsonb[])
      ORDER BY a.id`,
  ]);
  return runs.map((r) => {
    const counts: Record<string, number> = {};
    for (const g of groups) if (g.replayRunId === r.id) counts[g.outcome ?? "waiting"] = g._count._all;
    return {
      id: r.id,
      createdAt: r.createdAt.toISOString(),
      finishedAt: r.finishedAt?.toISOString() ?? null,
      actor: r.actor,
      origin: r.origin,
      originWords: originWords(r.origin),
      starter: starterParts(r.actor, r.origin),
      reason: r.reason,
      status: r.status,
      total: r.total,
      counts,
      workers: workers.filter((w) => w.runId === r.id && w.owner).map((w) => ({ owner: w.owner!, workedFrom: originWords(w.workedFrom ?? r.origin) })),
      error: r.error,
    };
  });
}
