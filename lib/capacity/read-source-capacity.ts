import "server-only";
import { getMongoClient } from "../mongo/mongo-client";
import { withMonitorClient } from "../postgres/monitor-pool";
import type { PublicSource } from "../sources/source-registry";
import { getMongoConnections } from "./mongo-connections";
import { findPids, getProcessFds, type ProcessFds } from "./proc-fds";
import { scrapePrometheusFds } from "./prometheus-fds";
import { getPgConnections } from "./pg-connections";

export type CapacityReading = { metric: string; value: number; limit: number | null; data: Record<string, unknown> };

export const CAPACITY_KINDS = ["postgres", "mongodb", "process", "prometheus"] as const;

/** The fullest of the processes a source names (by pid, or every pid whose command line matches). */
async function readProcesses(config: Record<string, unknown>): Promise<{ worst: ProcessFds; all: ProcessFds[] }> {
  const pids = typeof config.pid === "number" ? [config.pid] : typeof config.pattern === "string" ? await findPids(config.pattern) : [];
  if (pids.length === 0)
    throw new Error(
      typeof config.pattern === "string"
        ? `no running process has "${config.pattern}" in its command line`
        : "a process source needs config.pid or config.pattern",
    );
  const all = (await Promise.allSettled(pids.map((p) => getProcessFds(p)))).flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  if (all.length === 0) throw new Error(`process ${pids.join(", ")} is gone or not readable`);
  const ratio = (p: ProcessFds) => (p.softLimit ? p.open / p.softLimit : 0);
  const worst = all.reduce((a, b) => (ratio(b) > ratio(a) ? b : a));
  return { worst, all };
}

/** One reading per limit the source has; throws when the source cannot be read. */
export async function readSourceCapacity(source: PublicSource, url: string | null, timeoutMs: number): Promise<CapacityReading[]> {
  switch (source.kind) {
    case "postgres": {
      const c = await withMonitorClient(url!, (client) => getPgConnections(client), { statementTimeoutMs: timeoutMs });
      const { total, usableLimit, ...data } = c;
      return [{ metric: "pg_connections", value: total, limit: usableLimit, data }];
    }
    case "mongodb": {
      const m = await getMongoConnections(await getMongoClient(url!));
      const { current, limit, ...data } = m;
      return [{ metric: "mongo_connections", value: current, limit, data }];
    }
    case "process": {
      const { worst, all } = await readProcesses(source.config);
      return [{ metric: "open_fds", value: worst.open, limit: worst.softLimit, data: { ...worst, processes: all.slice(0, 20) } }];
    }
    case "prometheus": {
      const p = await scrapePrometheusFds(url!, timeoutMs);
      return [{ metric: "open_fds", value: p.open, limit: p.max, data: { labels: p.labels } }];
    }
    default:
      return [];
  }
}
