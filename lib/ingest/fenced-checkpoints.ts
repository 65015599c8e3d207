import "server-only";
import { Prisma, type PrismaClient } from "../store/generated/client";
import { leaseStillHeld } from "../fleet/leases";
import type { EventWriter } from "./store/event-writer";
import type { Checkpoint } from "./store/batch-sql";

/** What the ingest pipeline needs of a writer. */
export type PipelineWriter = Pick<EventWriter, "batch" | "write" | "inFlight">;

export type LeaseFence = { name: string; owner: string; token: bigint };

export class LeaseLostError extends Error {
  constructor(lease: string) {
    super(`lease ${lease} was taken over: this instance stops tailing, its last checkpoint is not saved`);
    this.name = "LeaseLostError";
  }
}

/**
 * A writer for the server-log tailer that saves each checkpoint only while the tail's lease is
 * still ours: the checkpoint's INSERT carries the lease check in its own WHERE (leaseStillHeld),
 * so a holder that stalled past its expiry, while another instance took the log over, cannot move
 * the new holder's checkpoint. The events themselves go through the shared writer as always; a
 * stale holder's last batch adds nothing, since every line's key is its file and offset. A
 * checkpoint is saved once every batch before it has committed, in hand-in order, as the writer
 * itself does for an unfenced stream.
 */
export function fencedWriter(inner: EventWriter, prisma: PrismaClient, fence: LeaseFence): PipelineWriter {
  let previous: Promise<unknown> = Promise.resolve();
  return {
    get inFlight() {
      return inner.inFlight;
    },
    batch: (sourceId) => inner.batch(sourceId),
    async write(sourceId, events, checkpoint) {
      const before = previous;
      const mine = (async () => {
        const res = await inner.write(sourceId, events);
        // An earlier batch that failed stops the stream before this one, as in the writer.
        await before;
        if (checkpoint) await saveFencedCheckpoint(prisma, sourceId, checkpoint, fence);
        return res;
      })();
      previous = mine;
      return mine;
    },
  };
}

export async function saveFencedCheckpoint(prisma: PrismaClient, sourceId: number, cp: Checkpoint, fence: LeaseFence): Promise<void> {
  const saved = await prisma.$executeRaw(Prisma.sql`
    INSERT INTO "IngestCheckpoint" ("sourceId", "stream", "fileId", "offset", "updatedAt")
    SELECT ${sourceId}, ${cp.stream}, ${cp.fileId}, ${cp.offset}, now() WHERE ${leaseStillHeld(fence)}
    ON CONFLICT ("sourceId", "stream") DO UPDATE SET "fileId" = EXCLUDED."fileId", "offset" = EXCLUDED."offset", "updatedAt" = now()`);
  if (saved === 0) throw new LeaseLostError(fence.name);
}
