// The replay acceptance scenarios, run the same way against every target (PostgreSQL servers,
// MongoDB) by lib/replay/replay-*.int.test.ts.
import { spawn } from "node:child_process";
import { expect, it } from "vitest";
import { getSourceConnection, upsertSource } from "@/lib/sources/source-registry";
import { replayOneNow } from "@/lib/replay/replay-one";
import { failedWriteRetryJob } from "@/lib/replay/retry-job";
import { captureFailedWrites } from "@/lib/replay/capture-failed-writes";
import { FAILED_WRITE_STATUSES } from "@/lib/replay/failed-write-filters";
import { createReplayRun, runReplay } from "@/lib/replay/replay-run";
import type { PrismaClient } from "@/lib/store/generated/client";
import { failedInsert, message, type ReplayTarget } from "./replay-targets";

// Every status but the two a replay passes through is where a write ends.
const TERMINAL: string[] = FAILED_WRITE_STATUSES.filter((s) => s !== "pending" && s !== "replaying");

async function replayIds(prisma: PrismaClient, ids: number[], opts: Parameters<typeof runReplay>[2] = {}) {
  const run = await createReplayRun(prisma, { origin: "dashboard", reason: "test replay", actor: "test", selection: { ids } });
  return runReplay(prisma, run.id, opts);
}

const statuses = async (prisma: PrismaClient, ids: number[]) =>
  (await prisma.failedWrite.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" } })).map((w) => w.status);

export function replayScenarios(prisma: PrismaClient, getTarget: () => ReplayTarget, opts: { databaseUrl: string }) {
  it("replaying a failed insert twice yields exactly one record", async () => {
    const t = getTarget();
    const m = message(1, "twice");
    const first = await captureFailedWrites(prisma, [failedInsert(t, m, new Date("2026-11-23T01:00:00Z"))], "api");
    const again = await captureFailedWrites(prisma, [failedInsert(t, m, new Date("2026-11-23T01:00:05Z"))], "api");
    expect(await captureFailedWrites(prisma, [failedInsert(t, m, new Date("2026-11-23T01:00:05Z"))], "api")).toMatchObject({ created: 0, duplicates: 1 });
    await replayIds(prisma, first.ids);
    await replayIds(prisma, again.ids);
    await replayIds(prisma, first.ids); // already terminal: not taken up again
    expect(await statuses(prisma, [...first.ids, ...again.ids])).toEqual(["applied", "already_present"]);
    expect(await t.count("twice")).toBe(1);
    expect(await t.get(m.messageId)).toEqual(m);
    expect(await prisma.failedWriteAttempt.count({ where: { failedWriteId: first.ids[0] } })).toBe(1);
  });

  it("ends `already present` for an identical record and `conflict` (untouched) for a different one", async () => {
    const t = getTarget();
    const same = message(1, "present");
    const other = message(2, "present");
    await t.insertDirect(same);
    await t.insertDirect({ ...other, text: "edited by the app" });
    const { ids } = await captureFailedWrites(prisma, [failedInsert(t, same), failedInsert(t, other)], "api");
    const summary = await replayIds(prisma, ids);
    expect(summary.counts).toEqual({ already_present: 1, conflict: 1 });
    expect(await statuses(prisma, ids)).toEqual(["already_present", "conflict"]);
    expect(await t.get(other.messageId)).toEqual({ ...other, text: "edited by the app" });
    const conflict = await prisma.failedWrite.findUniqueOrThrow({ where: { id: ids[1] } });
    expect((conflict.outcomeDetail as { diff: unknown[] }).diff).toEqual([{ field: "text", expected: other.text, actual: "edited by the app" }]);
    const log = await prisma.actionLog.findFirst({ where: { action: "replay.run" }, orderBy: { id: "desc" } });
    expect(log?.outcome).toBe("1 already present, 1 conflict");
    // Replaying the conflict again changes nothing; only the operator's explicit overwrite does.
    expect((await replayOneNow(prisma, ids[1], { origin: "dashboard", reason: "test replay", actor: "op" })).status).toBe("conflict");
    expect(await t.get(other.messageId)).toEqual({ ...other, text: "edited by the app" });
    expect((await replayOneNow(prisma, ids[1], { origin: "dashboard", reason: "test replay", actor: "op", overwrite: true })).status).toBe("applied");
    expect(await t.get(other.messageId)).toEqual(other);
    const overwriteLog = await prisma.actionLog.findFirst({ where: { action: "replay.run" }, orderBy: { id: "desc" } });
    expect(overwriteLog).toMatchObject({ actor: "op", outcome: "1 applied", detail: { overwrite: true } });
  });

  it("8 concurrent replayers over overlapping selections of 10,000 writes apply each exactly once", async () => {
    const t = getTarget();
    const writes = Array.from({ length: 10_000 }, (_, i) => failedInsert(t, message(i, "bulk")));
    const { ids } = await captureFailedWrites(prisma, writes, "api");
    expect(ids).toHaveLength(10_000);
    // Replayer r takes a window of 2,500 starting at r*1,250: every write is in two selections.
    const sorted = [...ids].sort((a, b) => a - b);
    const windows = Array.from({ length: 8 }, (_, r) => [...sorted, ...sorted].slice(r * 1250, r * 1250 + 2500));
    const runs = await Promise.all(
      windows.map((w) => createReplayRun(prisma, { origin: "dashboard", reason: "test replay", actor: "test", selection: { ids: w } })),
    );
    await Promise.all(runs.map((r) => runReplay(prisma, r.id, { concurrency: 2 })));
    expect(await t.count("bulk")).toBe(10_000);
    expect(await t.distinctKeys("bulk")).toBe(10_000);
    const byStatus = await prisma.failedWrite.groupBy({ by: ["status"], where: { id: { in: ids } }, _count: { _all: true } });
    expect(byStatus.map((g) => [g.status, g._count._all])).toEqual([["applied", 10_000]]);
    // Never processed twice: one attempt per write.
    const attempts = await prisma.failedWriteAttempt.groupBy({
      by: ["failedWriteId"],
      where: { failedWriteId: { in: ids } },
      _count: { _all: true },
      having: { failedWriteId: { _count: { gt: 1 } } },
    });
    expect(attempts).toEqual([]);
    expect(await prisma.failedWriteAttempt.count({ where: { failedWriteId: { in: ids } } })).toBe(10_000);
  }, 240_000);

  it("a target that is down leaves the writes pending with the error and a next attempt time", async () => {
    const t = getTarget();
    const down = await upsertSource(prisma, {
      name: `down-${t.kind}-${Date.now()}`,
      kind: t.kind,
      config: { replay: { namespaces: [t.namespace] } },
      url: t.kind === "postgres" ? "postgresql://postgres@127.0.0.1:1/postgres" : "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300",
    });
    const writes = [1, 2, 3].map((i) => ({ ...failedInsert(t, message(i, "down")), source: down.id }));
    const { ids } = await captureFailedWrites(prisma, writes, "api");
    const before = Date.now();
    const summary = await replayIds(prisma, ids, { retry: { triesPerClaim: 2, inlineBaseMs: 10 } });
    expect(summary.counts).toEqual({ pending: 3 });
    const rows = await prisma.failedWrite.findMany({ where: { id: { in: ids } } });
    for (const w of rows) {
      expect(w.status).toBe("pending");
      expect(w.lastError).toMatch(/ECONNREFUSED|connect|Server selection/i);
      expect(w.nextAttemptAt!.getTime()).toBeGreaterThan(before);
      expect(w.attempts).toBe(2);
      expect(w.payload).toEqual({ document: message(w.id === ids[0] ? 1 : w.id === ids[1] ? 2 : 3, "down") });
    }
    expect(await prisma.failedWriteAttempt.count({ where: { failedWriteId: { in: ids }, outcome: "transient_error" } })).toBe(6);
    // The target comes back; once the next attempt time has come, the retry job applies them.
    const back = await getSourceConnection(prisma, t.sourceId);
    await upsertSource(prisma, { name: down.name, kind: t.kind, url: back!.url!, config: { replay: { namespaces: [t.namespace] } } });
    await prisma.failedWrite.updateMany({ where: { id: { in: ids } }, data: { nextAttemptAt: new Date(Date.now() - 1000) } });
    await failedWriteRetryJob.run({ prisma, signal: new AbortController().signal });
    expect(await statuses(prisma, ids)).toEqual(["applied", "applied", "applied"]);
    // The job's batch is a run of its own: started by the retry job, with its reason, done.
    const retryRun = await prisma.replayRun.findFirstOrThrow({
      where: { origin: "retry", items: { some: { failedWriteId: ids[0] } } },
      include: { items: { where: { failedWriteId: { in: ids } } } },
    });
    expect(retryRun).toMatchObject({ actor: "lockboard (retry)", status: "done", reason: expect.stringContaining("scheduled retry") });
    expect(retryRun.items.map((i) => i.outcome)).toEqual(["applied", "applied", "applied"]);
    expect(await t.count("down")).toBe(3);
    expect(await prisma.failedWrite.findMany({ where: { id: { in: ids } }, select: { attempts: true, nextAttemptAt: true } })).toEqual(
      ids.map(() => ({ attempts: 3, nextAttemptAt: null })),
    );
    await prisma.source.delete({ where: { id: down.id } });
  });

  it("a replayer killed mid-batch loses nothing and its lease is taken over", async () => {
    const t = getTarget();
    const n = 400;
    const { ids } = await captureFailedWrites(
      prisma,
      Array.from({ length: n }, (_, i) => failedInsert(t, message(i, "kill"))),
      "api",
    );
    const run = await createReplayRun(prisma, {
      origin: "dashboard",
      reason: "test replay",
      actor: "test",
      selection: { ids },
      batchSize: 40,
      ratePerSec: 100,
    });
    // node itself (tsx as a loader), so SIGKILL hits the process doing the work, not a wrapper.
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--conditions=react-server", "scripts/replay.ts", "--run", String(run.id), "--lease-ms", "2500", "--concurrency", "2"],
      {
        env: { ...process.env, DATABASE_URL: opts.databaseUrl },
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise((r) => child.once("exit", r));
    await expect
      .poll(() => prisma.failedWrite.count({ where: { id: { in: ids }, status: "applied" } }), { timeout: 30_000, interval: 50 })
      .toBeGreaterThanOrEqual(60);
    // Mid-batch: it holds leases on a claimed batch right now.
    await expect
      .poll(() => prisma.failedWrite.count({ where: { id: { in: ids }, status: "replaying" } }), { timeout: 10_000, interval: 10 })
      .toBeGreaterThan(0);
    child.kill("SIGKILL");
    await exited;
    expect(stderr).toBe("");
    const orphaned = await prisma.failedWrite.findMany({ where: { id: { in: ids }, status: "replaying" }, select: { id: true, leaseOwner: true } });
    expect(orphaned.length).toBeGreaterThan(0);
    const summary = await runReplay(prisma, run.id, { owner: "taker", pollMs: 100 });
    expect(Object.keys(summary.counts).every((k) => TERMINAL.includes(k))).toBe(true);
    expect(await t.count("kill")).toBe(n);
    expect(await t.distinctKeys("kill")).toBe(n);
    const after = await prisma.failedWrite.findMany({ where: { id: { in: orphaned.map((o) => o.id) } } });
    expect(after.every((w) => w.status === "applied" || w.status === "already_present")).toBe(true);
    const takenOver = await prisma.failedWriteAttempt.count({ where: { failedWriteId: { in: orphaned.map((o) => o.id) }, worker: "taker" } });
    expect(takenOver).toBe(orphaned.length);
    expect(await prisma.failedWrite.count({ where: { id: { in: ids }, status: { notIn: TERMINAL } } })).toBe(0);
  }, 90_000);
}
