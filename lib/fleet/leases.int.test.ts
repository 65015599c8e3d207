import { afterAll, describe, expect, it } from "vitest";
import { saveFencedCheckpoint } from "../ingest/fenced-checkpoints";
import { getCheckpoint } from "../ingest/store/checkpoints";
import { upsertSource } from "../sources/source-registry";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import type { LeasedJob } from "./leased-job";
import { acquireLeases, claimTicks, leaseName, releaseLeases, renewLeases } from "./leases";
import { startLeasedJobs } from "./run-leased-jobs";

const run = `${process.pid}-${Date.now().toString(36)}`;
const job = `test-job-${run}`;
afterAll(disconnectPrisma);

const subject = (i: number) => ({ key: `s${i}`, subject: `subject ${i}`, sourceId: null });

describe("job leases", () => {
  it("one holder at a time: taken only once expired, with a raised token; renewed only by its holder", async () => {
    const prisma = getPrisma();
    const [a] = await acquireLeases(prisma, "A", job, [subject(1)], 1_500);
    expect(a).toMatchObject({ name: leaseName(job, "s1"), token: 1n });
    // Both try at once: neither takes a live lease.
    expect(await Promise.all([acquireLeases(prisma, "B", job, [subject(1)], 1_500), acquireLeases(prisma, "C", job, [subject(1)], 1_500)])).toEqual([[], []]);
    expect(await renewLeases(prisma, "B", job, [a!.name], 1_500)).toEqual([]);
    expect(await renewLeases(prisma, "A", job, [a!.name], 1_500)).toEqual([{ name: a!.name, token: 1n }]);
    await new Promise((r) => setTimeout(r, 1_600));
    // Lapsed: A cannot renew it any more, and of two takers exactly one wins.
    expect(await renewLeases(prisma, "A", job, [a!.name], 1_500)).toEqual([]);
    const won = (await Promise.all([acquireLeases(prisma, "B", job, [subject(1)], 5_000), acquireLeases(prisma, "C", job, [subject(1)], 5_000)])).flat();
    expect(won).toEqual([{ name: a!.name, token: 2n }]);
    // Handed back: free at once.
    const holder = (await prisma.jobLease.findUniqueOrThrow({ where: { name: a!.name } })).owner;
    expect(await releaseLeases(prisma, holder)).toBe(1);
    expect(await acquireLeases(prisma, "A", job, [subject(1)], 5_000)).toEqual([{ name: a!.name, token: 3n }]);
  });

  it("claims a subject's tick once per interval, and not with a stale token", async () => {
    const prisma = getPrisma();
    const [l] = await acquireLeases(prisma, "A", job, [subject(2)], 5_000);
    expect([...(await claimTicks(prisma, "A", [l!], 300))]).toEqual([l!.name]);
    expect((await claimTicks(prisma, "A", [l!], 300)).size).toBe(0);
    await new Promise((r) => setTimeout(r, 320));
    expect((await claimTicks(prisma, "A", [{ name: l!.name, token: l!.token + 1n }], 300)).size).toBe(0);
    expect((await claimTicks(prisma, "A", [l!], 300)).size).toBe(1);
  });

  it("fences the tailer's checkpoint: a holder whose lease was taken over cannot save one", async () => {
    const prisma = getPrisma();
    const source = await upsertSource(prisma, { name: `fence-${run}`, kind: "postgres", url: "postgres://nobody@127.0.0.1:1/none" });
    const [mine] = await acquireLeases(prisma, "A", job, [subject(3)], 300);
    const fence = { name: mine!.name, owner: "A", token: mine!.token };
    await saveFencedCheckpoint(prisma, source.id, { stream: "pg:log", fileId: "f", offset: 100 }, fence);
    await new Promise((r) => setTimeout(r, 350));
    await acquireLeases(prisma, "B", job, [subject(3)], 5_000);
    await expect(saveFencedCheckpoint(prisma, source.id, { stream: "pg:log", fileId: "f", offset: 50 }, fence)).rejects.toThrow(/taken over/);
    expect((await getCheckpoint(prisma, source.id, "pg:log"))?.offset).toBe(100);
    await prisma.source.delete({ where: { id: source.id } });
  });

  it("two instances on the same subjects run each once per tick; the survivor takes over a stopped one's share", async () => {
    const prisma = getPrisma();
    const name = `split-${run}`;
    const runs: { owner: string; key: string; at: number }[] = [];
    const subjects = [1, 2, 3, 4].map((i) => ({ key: `x${i}`, subject: `x${i}`, sourceId: null }));
    const make = (owner: string): LeasedJob => ({
      name,
      intervalMs: () => 400,
      listSubjects: async () => subjects,
      runFor: async ({ leases }) => void runs.push(...leases.map((l) => ({ owner, key: l.key, at: Date.now() }))),
      run: async () => {},
    });
    const a = startLeasedJobs(prisma, `A-${run}`, [make(`A-${run}`)], () => {});
    const b = startLeasedJobs(prisma, `B-${run}`, [make(`B-${run}`)], () => {});
    await new Promise((r) => setTimeout(r, 3_000));
    await a.stop();
    const stoppedAt = Date.now();
    await new Promise((r) => setTimeout(r, 1_500));
    await b.stop();
    for (const s of subjects) {
      const times = runs.filter((r) => r.key === s.key).map((r) => r.at);
      // Once per interval (400 ms), never twice in one tick, never a gap past two intervals.
      for (let i = 1; i < times.length; i++) {
        expect(times[i]! - times[i - 1]!).toBeGreaterThan(250);
        expect(times[i]! - times[i - 1]!).toBeLessThan(800 + 200);
      }
      expect(times.length).toBeGreaterThanOrEqual(8);
    }
    // After A stopped, B runs every subject.
    expect(new Set(runs.filter((r) => r.at > stoppedAt + 500).map((r) => r.owner))).toEqual(new Set([`B-${run}`]));
    expect(new Set(runs.filter((r) => r.at > stoppedAt + 500).map((r) => r.key)).size).toBe(4);
  });

  /**
   * x1 and x2 under one lease each, their ticks out of phase (as after a handover: x2 ran half an
   * interval ago, x1 never); `failure` says how a run of a key fails. Half an interval apart (not
   * 200 ms of a 400 ms one) so that a loaded machine's stall does not bring the two ticks due in one
   * upkeep; it runs until each subject ran alone three times, however slow the machine.
   */
  async function runOutOfPhase(name: string, failure: (key: string) => string | null) {
    const prisma = getPrisma();
    await prisma.$executeRaw`
      INSERT INTO "JobLease" (name, job, subject, owner, token, "acquiredAt", "renewedAt", "expiresAt", "lastRunAt")
      VALUES (${`${name}:x1`}, ${name}, 'x1', 'gone', 1, now(), now(), now() - interval '1 second', NULL),
             (${`${name}:x2`}, ${name}, 'x2', 'gone', 1, now(), now(), now() - interval '1 second', now() - interval '500 milliseconds')`;
    const runs: string[][] = [];
    const logs: string[] = [];
    const runner = startLeasedJobs(
      prisma,
      `P-${name}`,
      [
        {
          name,
          intervalMs: () => 1_000,
          listSubjects: async () => [subject(1), subject(2)].map((s) => ({ ...s, key: `x${s.key.slice(1)}` })),
          runFor: async ({ leases }) => {
            runs.push(leases.map((l) => l.key));
            const errors = leases.flatMap((l) => failure(l.key) ?? []);
            if (errors.length) throw new Error(errors.join("; "));
          },
          run: async () => {},
        },
      ],
      (m) => logs.push(m),
    );
    const alone = (key: string) => runs.filter((r) => r.length === 1 && r[0] === key).length;
    for (let waited = 0; waited < 30_000 && (alone("x1") < 3 || alone("x2") < 3); waited += 100) await new Promise((r) => setTimeout(r, 100));
    await runner.stop();
    // The two subjects ran apart, each once per interval.
    expect(alone("x1")).toBeGreaterThanOrEqual(3);
    expect(alone("x2")).toBeGreaterThanOrEqual(3);
    return logs;
  }

  it("logs a failing subject once, though runs of the other subjects succeed in between", async () => {
    const logs = await runOutOfPhase(`phases-${run}`, (key) => (key === "x1" ? "x1: connection refused" : null));
    expect(logs).toEqual([`[lockboard] job phases-${run} failed: x1: connection refused`]);
  });

  it("logs two subjects failing in turn once each, not at every tick", async () => {
    const name = `two-down-${run}`;
    const logs = await runOutOfPhase(name, (key) => `${key}: role "app" does not exist`);
    expect([...logs].sort()).toEqual([
      `[lockboard] job ${name} failed: x1: role "app" does not exist`,
      `[lockboard] job ${name} failed: x2: role "app" does not exist`,
    ]);
  });
});
