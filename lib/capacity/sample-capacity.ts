import "server-only";
import { storeEvents } from "../ingest/store/shared-writer";
import { getSourceConnection, listSources, recordSourceHealth, type PublicSource } from "../sources/source-registry";
import type { PrismaClient } from "../store/generated/client";
import { CAPACITY_KINDS, readSourceCapacity, type CapacityReading } from "./read-source-capacity";
import { levelOf, thresholdsFor, type Level } from "./thresholds";

export type SampleOutcome = { source: string; ok: boolean; error?: string; readings: CapacityReading[]; crossed: string[] };

const METRIC_LABEL: Record<string, string> = {
  pg_connections: "PostgreSQL connections",
  mongo_connections: "MongoDB connections",
  open_fds: "Open file descriptors",
};

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

const RANK: Record<Level, number> = { unknown: 0, ok: 0, warn: 1, critical: 2 };

/**
 * Opens (or reopens) an incident when a metric rises into warn or critical compared with the
 * previous sample; staying above the line counts no new crossing.
 */
async function recordCrossings(prisma: PrismaClient, source: PublicSource, readings: CapacityReading[], at: Date): Promise<string[]> {
  const t = thresholdsFor(source.config);
  const crossed: string[] = [];
  for (const r of readings) {
    const now = levelOf(r.value, r.limit, t);
    if (RANK[now] === 0) continue;
    const prev = await prisma.capacitySample.findFirst({
      where: { sourceId: source.id, metric: r.metric, sampledAt: { lt: at } },
      orderBy: { sampledAt: "desc" },
      select: { value: true, limit: true },
    });
    const before = prev ? levelOf(prev.value, prev.limit, t) : "ok";
    if (RANK[now] <= RANK[before]) continue;
    const pct = Math.round((r.value / r.limit!) * 100);
    const label = METRIC_LABEL[r.metric] ?? r.metric;
    const message = `${label} on ${source.name} at ${pct}% of the limit (${r.value} of ${r.limit}): ${now}`;
    await storeEvents(prisma, source.id, [
      {
        eventKey: `capacity:${source.id}:${r.metric}:${at.getTime()}`,
        occurredAt: at,
        kind: "capacity_threshold",
        severity: now === "critical" ? "critical" : "warning",
        message,
        title: `${label} near the limit on ${source.name}`,
        fingerprint: `capacity_threshold:${source.id}:${r.metric}`,
        raw: message,
        fields: { metric: r.metric, value: r.value, limit: r.limit, level: now, warn: t.warn, critical: t.critical },
        entities: [],
      },
    ]);
    crossed.push(`${r.metric}:${now}`);
  }
  return crossed;
}

export async function sampleSource(prisma: PrismaClient, source: PublicSource, timeoutMs: number): Promise<SampleOutcome> {
  const at = new Date();
  try {
    const conn = await getSourceConnection(prisma, source.id);
    const readings = await withTimeout(readSourceCapacity(source, conn?.url ?? null, timeoutMs), timeoutMs, source.name);
    if (readings.length) {
      await prisma.capacitySample.createMany({
        data: readings.map((r) => ({ sourceId: source.id, sampledAt: at, metric: r.metric, value: r.value, limit: r.limit, data: r.data as object })),
      });
    }
    const crossed = await recordCrossings(prisma, source, readings, at);
    await recordSourceHealth(prisma, source.id, { ok: true });
    return { source: source.name, ok: true, readings, crossed };
  } catch (err) {
    const error = (err as Error).message ?? String(err);
    await recordSourceHealth(prisma, source.id, { ok: false, error });
    return { source: source.name, ok: false, error, readings: [], crossed: [] };
  }
}

/** Samples every capacity source in parallel; one slow or dead source never delays the others. */
export async function sampleCapacity(
  prisma: PrismaClient,
  opts: { timeoutMs?: number; retentionHours?: number; only?: string[] } = {},
): Promise<SampleOutcome[]> {
  const timeoutMs = opts.timeoutMs ?? 3_000;
  const sources = (await listSources(prisma)).filter(
    (s) => (CAPACITY_KINDS as readonly string[]).includes(s.kind) && (!opts.only || opts.only.includes(s.name)) && s.config.capacity !== false,
  );
  const outcomes = await Promise.all(sources.map((s) => sampleSource(prisma, s, timeoutMs)));
  const retentionMs = (opts.retentionHours ?? 24) * 3_600_000;
  await prisma.capacitySample.deleteMany({ where: { sampledAt: { lt: new Date(Date.now() - retentionMs) } } });
  return outcomes;
}
