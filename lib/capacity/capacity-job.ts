import "server-only";
import { runEverySubject, type LeasedJob } from "../fleet/leased-job";
import { secondsFromEnv } from "../jobs/background-job";
import { listSources } from "../sources/source-registry";
import { CAPACITY_KINDS } from "./read-source-capacity";
import { sampleCapacity } from "./sample-capacity";

/** One lease per capacity source: with several instances each is sampled by one of them. */
export const capacitySamplerJob: LeasedJob = {
  name: "capacity-sampler",
  intervalMs: () => secondsFromEnv("LOCKBOARD_CAPACITY_INTERVAL_SECONDS", 5),
  listSubjects: async (prisma) =>
    (await listSources(prisma))
      .filter((s) => (CAPACITY_KINDS as readonly string[]).includes(s.kind) && s.config.capacity !== false)
      // A process is read through its host's /proc: only an instance on that host may sample it.
      .map((s) => ({
        key: `source:${s.id}`,
        subject: s.name,
        sourceId: s.id,
        host: s.kind === "process" && typeof s.config.host === "string" ? s.config.host : null,
      })),
  runFor: async ({ prisma, leases }) => {
    if (leases.length === 0) return;
    await sampleCapacity(prisma, {
      only: leases.map((l) => l.subject),
      timeoutMs: secondsFromEnv("LOCKBOARD_CAPACITY_TIMEOUT_SECONDS", 3),
      retentionHours: Number(process.env.LOCKBOARD_CAPACITY_RETENTION_HOURS) || 24,
    });
  },
  run: (ctx) => runEverySubject(capacitySamplerJob)(ctx),
};
