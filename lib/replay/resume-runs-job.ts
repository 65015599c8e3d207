import "server-only";
import { runEverySubject, type LeasedJob } from "../fleet/leased-job";
import { secondsFromEnv } from "../jobs/background-job";
import type { PrismaClient } from "../store/generated/client";
import { runReplay } from "./replay-run";

/** A run nobody moved for this long (and at least two of its own batch pauses) has lost its driver. */
const ORPHANED_AFTER_MS = 60_000;

/**
 * Runs whose driver is gone: started (or queued) and unfinished, yet none of their writes is
 * leased or touched lately. A replay is driven by the instance that accepted it; if that instance
 * dies or restarts mid-run, the run would stay "running" for ever with its unclaimed writes pending.
 */
export async function listOrphanedRuns(prisma: PrismaClient, orphanedAfterMs = ORPHANED_AFTER_MS): Promise<{ id: number }[]> {
  return prisma.$queryRaw<{ id: number }[]>`
    SELECT r.id FROM "ReplayRun" r
    WHERE r.status IN ('queued', 'running')
      AND coalesce(r."startedAt", r."createdAt") < now() - (greatest(${orphanedAfterMs}::float8, 2000.0 * r."batchSize" / nullif(r."ratePerSec", 0)) * interval '1 millisecond')
      AND EXISTS (SELECT 1 FROM "ReplayRunItem" i WHERE i."replayRunId" = r.id AND i."processedAt" IS NULL)
      AND NOT EXISTS (
        SELECT 1 FROM "ReplayRunItem" i JOIN "FailedWrite" w ON w.id = i."failedWriteId"
        WHERE i."replayRunId" = r.id
          AND ((w.status = 'replaying' AND w."leaseUntil" > now())
            OR w."updatedAt" > now() - (greatest(${orphanedAfterMs}::float8, 2000.0 * r."batchSize" / nullif(r."ratePerSec", 0)) * interval '1 millisecond')))
    ORDER BY r.id`;
}

/**
 * Takes over replay runs whose driver died, one lease per run: the holder carries the run on
 * where it stopped (its items and each write's row lease are in the store, so nothing is applied
 * twice), with an audit row of its own saying it resumed. Checked every
 * LOCKBOARD_REPLAY_RETRY_SECONDS (5).
 */
export const replayResumeJob: LeasedJob = {
  name: "replay-resume",
  intervalMs: () => secondsFromEnv("LOCKBOARD_REPLAY_RETRY_SECONDS", 5),
  listSubjects: async (prisma) => (await listOrphanedRuns(prisma)).map((r) => ({ key: `run:${r.id}`, subject: `replay run #${r.id}`, sourceId: null })),
  async runFor({ prisma, leases }) {
    const orphaned = new Set((await listOrphanedRuns(prisma)).map((r) => `run:${r.id}`));
    for (const lease of leases) {
      // Checked again under the lease: the driver may have moved it since the list was made.
      if (!orphaned.has(lease.key)) continue;
      const id = Number(lease.key.slice(4));
      console.error(`[lockboard] replay run ${id} lost its driver: resuming it here`);
      // Not stopped with this instance: a run cut short here stays "running" and is resumed elsewhere.
      await runReplay(prisma, id, { owner: `resume:${lease.owner || "cli"}:${id}` });
    }
  },
  run: (ctx) => runEverySubject(replayResumeJob)(ctx),
};
