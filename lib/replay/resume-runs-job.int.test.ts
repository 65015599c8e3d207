import { afterAll, describe, expect, it } from "vitest";
import { upsertSource } from "../sources/source-registry";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { listOrphanedRuns, replayResumeJob } from "./resume-runs-job";

const run = `${process.pid}-${Date.now().toString(36)}`;
afterAll(disconnectPrisma);

describe("replay runs whose driver died", () => {
  it("are found only once nothing moved them for a while, and resumed to the end with an audit row", async () => {
    const prisma = getPrisma();
    const source = await upsertSource(prisma, { name: `resume-${run}`, kind: "postgres", url: "postgres://nobody@127.0.0.1:1/none" });
    const write = (status: string, i: number) =>
      prisma.failedWrite.create({
        data: {
          sourceId: source.id,
          namespace: "public.t",
          operation: "insert",
          idempotencyKey: { id: i },
          keyHash: `${run}-${i}`,
          payload: { id: i },
          error: "duplicate key",
          errorKind: "transient",
          status,
          occurredAt: new Date(),
        },
      });
    // Finished by another replayer meanwhile: the run only has to settle them.
    const writes = await Promise.all([write("applied", 1), write("already_present", 2)]);
    const created = await prisma.replayRun.create({
      data: {
        actor: "test",
        total: 2,
        batchSize: 10,
        ratePerSec: 0,
        status: "running",
        startedAt: new Date(),
        items: { create: writes.map((w) => ({ failedWriteId: w.id })) },
      },
    });
    // Its driver just started: not orphaned.
    expect((await listOrphanedRuns(prisma, 1_000)).map((r) => r.id)).not.toContain(created.id);
    // Nothing moved it for longer than the threshold: orphaned.
    await prisma.replayRun.update({ where: { id: created.id }, data: { startedAt: new Date(Date.now() - 120_000) } });
    await prisma.failedWrite.updateMany({ where: { id: { in: writes.map((w) => w.id) } }, data: { updatedAt: new Date(Date.now() - 120_000) } });
    expect((await listOrphanedRuns(prisma)).map((r) => r.id)).toContain(created.id);

    await replayResumeJob.run({ prisma, signal: new AbortController().signal });
    const after = await prisma.replayRun.findUniqueOrThrow({ where: { id: created.id }, include: { items: true } });
    expect(after.status).toBe("done");
    expect(after.items.map((i) => i.outcome).sort()).toEqual(["already_present", "applied"]);
    expect((await listOrphanedRuns(prisma)).map((r) => r.id)).not.toContain(created.id);
    const audit = await prisma.actionLog.findMany({ where: { action: "replay.run" } });
    expect(audit.filter((a) => (a.target as { replayRunId?: number }).replayRunId === created.id)).toHaveLength(1);
    await prisma.source.delete({ where: { id: source.id } });
  });
});
