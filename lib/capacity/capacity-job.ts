import "server-only";
import { secondsFromEnv, type BackgroundJob } from "../jobs/background-job";
import { sampleCapacity } from "./sample-capacity";

export const capacitySamplerJob: BackgroundJob = {
  name: "capacity-sampler",
  intervalMs: () => secondsFromEnv("LOCKBOARD_CAPACITY_INTERVAL_SECONDS", 5),
  run: async ({ prisma }) => {
    await sampleCapacity(prisma, {
      timeoutMs: secondsFromEnv("LOCKBOARD_CAPACITY_TIMEOUT_SECONDS", 3),
      retentionHours: Number(process.env.LOCKBOARD_CAPACITY_RETENTION_HOURS) || 24,
    });
  },
};
