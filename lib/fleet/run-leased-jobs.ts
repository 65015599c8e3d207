import "server-only";
import { hostname } from "node:os";
import type { PrismaClient } from "../store/generated/client";
import { planShare } from "./fair-share";
import { listFleetLoads } from "./instance";
import { heartbeatPeriodMs, type LeasedJob, leaseTiming } from "./leased-job";
import { acquireLeases, claimTicks, deleteStaleLeases, leaseName, listFreeLeases, releaseLeases, renewLeases, type HeldLease } from "./leases";

/**
 * Runs each job for the subjects this instance holds the lease of. Two loops per job: the lease
 * upkeep every poll (renew, take or give up leases as fair-share.ts plans, claim due ticks), and the work, started from the upkeep when a tick is due
 * and never overlapping itself; a slow run never delays the renewals, so a long pass does not
 * lose its leases. A failure is logged once per change.
 */
export function startLeasedJobs(
  prisma: PrismaClient,
  owner: string,
  jobs: LeasedJob[],
  log: (msg: string) => void = (m) => console.error(m),
): { stop(): Promise<void> } {
  const controller = new AbortController();
  const signal = controller.signal;
  const pending = new Set<Promise<void>>();
  const timers: NodeJS.Timeout[] = [];
  const track = (p: Promise<void>) => (pending.add(p), p.finally(() => pending.delete(p)));
  let sweptAt = 0;
  // Instances count for the fair share while their heartbeat is this fresh (three beats).
  const aliveWithinMs = 3 * heartbeatPeriodMs(jobs);

  for (const job of jobs) {
    const held = new Map<string, bigint>();
    const takenAt = new Map<string, number>();
    let upkeepBusy = false;
    let working = false;
    // Each failure still going on, with the subjects of the run that failed. Runs of different
    // subjects fail with different messages (two sources down, their ticks apart): each is logged
    // once, not in turn at every tick; a later run of other subjects succeeding is no recovery.
    const failing = new Map<string, Set<string>>();
    const report = (names: string[]) => (err: unknown) => {
      const msg = (err as Error).message ?? String(err);
      if (!failing.has(msg)) log(`[lockboard] job ${job.name} failed: ${msg}`);
      failing.delete(msg);
      failing.set(msg, new Set(names));
      // Bounded, oldest first out: a message with a changing part must not grow this forever.
      if (failing.size > 100) failing.delete(failing.keys().next().value!);
    };
    const ok = (names: string[]) => () => {
      const before = failing.size;
      for (const [msg, failedFor] of failing) if ([...failedFor].every((n) => names.includes(n))) failing.delete(msg);
      if (before > 0 && failing.size === 0) log(`[lockboard] job ${job.name} recovered`);
    };

    const upkeep = async () => {
      const t = leaseTiming(job.intervalMs());
      const here = hostname();
      const subjects = (await job.listSubjects(prisma, signal)).filter((s) => !s.host || s.host === here);
      const byName = new Map(subjects.map((s) => [leaseName(job.name, s.key), s]));
      const kept = await renewLeases(
        prisma,
        owner,
        job.name,
        [...held.keys()].filter((n) => byName.has(n)),
        t.ttlMs,
      );
      const gone = [...held.keys()].filter((n) => !byName.has(n));
      held.clear();
      for (const k of kept) held.set(k.name, k.token);
      if (gone.length) await releaseLeases(prisma, owner, gone);
      // Leases taken lately are kept: the count of instances may still include one that just died.
      const sheddable = [...held.keys()].filter((n) => Date.now() - (takenAt.get(n) ?? 0) > 2 * aliveWithinMs);
      const free = await listFreeLeases(
        prisma,
        [...byName.keys()].filter((n) => !held.has(n)),
      );
      const plan = planShare({
        me: owner,
        job: job.name,
        subjects: subjects.length,
        mine: [...held.keys()],
        sheddable,
        free,
        pollMs: t.pollMs,
        loads: await listFleetLoads(prisma, aliveWithinMs),
      });
      if (plan.release.length) {
        await releaseLeases(prisma, owner, plan.release);
        for (const n of plan.release) held.delete(n);
      }
      for (const a of await acquireLeases(
        prisma,
        owner,
        job.name,
        plan.take.map((n) => byName.get(n)!),
        t.ttlMs,
      )) {
        held.set(a.name, a.token);
        takenAt.set(a.name, Date.now());
      }
      if (working || signal.aborted) return;
      const due = await claimTicks(
        prisma,
        owner,
        [...held].map(([name, token]) => ({ name, token })),
        t.everyMs,
      );
      if (due.size === 0) return;
      const leases: HeldLease[] = [...due].map((name) => ({ ...byName.get(name)!, name, owner, token: held.get(name)! }));
      working = true;
      const names = leases.map((l) => l.name);
      void track(
        job
          .runFor({ prisma, signal, leases })
          .then(ok(names), report(names))
          .finally(() => (working = false)),
      );
    };

    const tick = () => {
      if (upkeepBusy || signal.aborted) return;
      upkeepBusy = true;
      void track(
        upkeep()
          .catch(report([]))
          .finally(() => (upkeepBusy = false)),
      );
      if (Date.now() - sweptAt > 3_600_000) {
        sweptAt = Date.now();
        void track(
          deleteStaleLeases(prisma).then(
            () => {},
            () => {},
          ),
        );
      }
    };
    tick();
    timers.push(setInterval(tick, leaseTiming(job.intervalMs()).pollMs));
  }

  return {
    /** Stops the loops, waits for runs in flight, then hands every lease back so another instance takes over at its next poll. */
    async stop() {
      controller.abort();
      for (const t of timers) clearInterval(t);
      while (pending.size) await Promise.allSettled([...pending]);
      await releaseLeases(prisma, owner).catch((err) => log(`[lockboard] leases not handed back (they lapse on their own): ${(err as Error).message}`));
    },
  };
}
