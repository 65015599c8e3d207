import "server-only";
import type { BackgroundJob } from "../jobs/background-job";
import type { PrismaClient } from "../store/generated/client";
import type { HeldLease, LeaseSubject } from "./leases";

/**
 * A periodic job whose work is split by subject (a source, a server's log): each instance runs it
 * only for the subjects whose lease it holds (lib/fleet/run-leased-jobs.ts keeps the leases).
 */
export type LeasedJob = BackgroundJob & {
  /** `intervalMs()`: the job's period; each subject runs once per interval, on whichever instance holds it. */
  /** Everything there is to work on now; every instance lists the same. */
  listSubjects(prisma: PrismaClient, signal: AbortSignal): Promise<LeaseSubject[]>;
  /** One tick for the subjects this instance holds and claimed; a write that must not outlive the lease checks it (lease.token). */
  runFor(ctx: { prisma: PrismaClient; signal: AbortSignal; leases: HeldLease[] }): Promise<void>;
};

/**
 * `run` for a leased job: one pass over every subject with no lease (the CLI, tests, a single
 * process); the writes a lease would fence are then unguarded.
 */
export function runEverySubject(job: Pick<LeasedJob, "listSubjects" | "runFor">): BackgroundJob["run"] {
  return async ({ prisma, signal }) => {
    const subjects = await job.listSubjects(prisma, signal);
    await job.runFor({ prisma, signal, leases: subjects.map((s) => ({ ...s, name: s.key, owner: "", token: null })) });
  };
}

export type LeaseTiming = { pollMs: number; ttlMs: number; everyMs: number };

/**
 * From a job's interval i: leases are renewed (and free ones looked for) every i/4, and last
 * 3/4 i from their last renewal. A holder killed with kill -9 lets its leases lapse within 3/4 i,
 * another instance takes them at its next poll (1/4 i later) and runs at once, since the last run
 * is older than one interval: its subjects are worked again within one interval of the kill, so
 * no gap between two runs exceeds two intervals. A run claims its tick only when the subject's
 * last run (whoever did it) is at least i - poll/2 old: one run per interval, even across a handover.
 */
export function leaseTiming(intervalMs: number): LeaseTiming {
  const pollMs = Math.max(100, Math.round(intervalMs / 4));
  return { pollMs, ttlMs: 3 * pollMs, everyMs: Math.max(0, intervalMs - pollMs / 2) };
}

/**
 * How often an instance running `jobs` beats (at most every 5 s, and as often as its quickest
 * lease poll): the fair share counts instances by their beat, so a dead one stops counting about
 * when its leases lapse, and the survivors' shares grow to take them.
 */
export function heartbeatPeriodMs(jobs: Pick<LeasedJob, "intervalMs">[]): number {
  return Math.min(5_000, ...jobs.map((j) => leaseTiming(j.intervalMs()).pollMs));
}

/**
 * A job with no per-source split (the alerts pass, the rate rollup's hour) under one lease: it is
 * already safe to run in several instances at once, the lease only keeps them from doing the same
 * pass side by side.
 */
export function underOneLease(job: BackgroundJob, subject: string): LeasedJob {
  return {
    ...job,
    listSubjects: async () => [{ key: "all", subject, sourceId: null }],
    runFor: ({ prisma, signal }) => job.run({ prisma, signal }),
  };
}
