import "server-only";
import { secondsFromEnv } from "../jobs/background-job";
import type { PublicSource } from "../sources/source-registry";
import type { PrismaClient } from "../store/generated/client";
import { listCapacityStats, type CapacityStats } from "./list-capacity-stats";

/** Which metric each kind of source reports. */
export const METRIC_OF_KIND: Record<string, string> = { postgres: "pg_connections", mongodb: "mongo_connections", process: "open_fds", prometheus: "open_fds" };

/** A sample counts toward "time at the limit" until the next one, at most three sampling intervals. */
export const atLimitGapSeconds = () => Math.max(3, (3 * secondsFromEnv("LOCKBOARD_CAPACITY_INTERVAL_SECONDS", 5)) / 1000);

/** The Overview's window for a gauge's peak. */
export const GAUGE_PEAK_SECONDS = 15 * 60;

/** Peak and time at the limit over the last 15 minutes per "sourceId:metric", for the Overview's gauges. */
export async function getCapacityPeaks(
  prisma: PrismaClient,
  sources: Pick<PublicSource, "id" | "kind">[],
  now = new Date(),
): Promise<Map<string, CapacityStats>> {
  const pairs = sources.flatMap((s) => (METRIC_OF_KIND[s.kind] ? [{ sourceId: s.id, metric: METRIC_OF_KIND[s.kind]! }] : []));
  const stats = await listCapacityStats(prisma, pairs, { from: new Date(now.getTime() - GAUGE_PEAK_SECONDS * 1000), to: now, gapSeconds: atLimitGapSeconds() });
  return new Map(stats.map((s) => [`${s.sourceId}:${s.metric}`, s]));
}
