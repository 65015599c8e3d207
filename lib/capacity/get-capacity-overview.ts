import "server-only";
import { z } from "zod";
import { listSources, type PublicSource } from "../sources/source-registry";
import type { PrismaClient } from "../store/generated/client";
import { CAPACITY_KINDS } from "./read-source-capacity";
import { levelOf, thresholdsFor, timeToExhaustion, type Level, type Thresholds } from "./thresholds";

export const CapacityQuerySchema = z.object({
  range: z.enum(["15m", "1h", "6h", "24h"]).default("1h"),
  /** Centre the window on this moment (links from an incident's spike). */
  at: z.iso.datetime({ offset: true }).optional(),
});
export type CapacityQuery = z.infer<typeof CapacityQuerySchema>;

const RANGE_MS = { "15m": 15 * 60_000, "1h": 3_600_000, "6h": 6 * 3_600_000, "24h": 24 * 3_600_000 } as const;
const MAX_POINTS = 240;

/** Ingested events (kinds of the ingestion catalog) that explain a limit being hit, drawn over that metric's chart. */
export const OVERLAY_KINDS: Record<string, string[]> = {
  pg_connections: ["too_many_connections", "pool_timeout"],
  mongo_connections: ["too_many_connections", "pool_timeout"],
  open_fds: ["fd_exhaustion"],
};

export type MetricPanel = {
  metric: string;
  value: number;
  limit: number | null;
  saturation: number | null;
  level: Level;
  sampledAt: string;
  data: Record<string, unknown>;
  series: { t: number; value: number; limit: number | null }[];
  overlay: { t: number; count: number; kind: string }[];
  secondsToExhaustion: number | null;
};

export type SourcePanel = {
  source: Pick<PublicSource, "id" | "name" | "kind" | "demo" | "healthStatus" | "healthError" | "downSince" | "lastCheckedAt" | "maskedUrl">;
  thresholds: Thresholds;
  metrics: MetricPanel[];
};

type SeriesRow = { metric: string; b: Date; value: number; limit: number | null };
type OverlayRow = { b: Date; kind: string; n: number };

export async function getCapacityOverview(prisma: PrismaClient, q: CapacityQuery): Promise<{ from: string; to: string; sources: SourcePanel[] }> {
  const span = RANGE_MS[q.range];
  const to = q.at ? new Date(new Date(q.at).getTime() + span / 2) : new Date();
  const from = new Date(to.getTime() - span);
  const bucket = `${Math.max(1, Math.ceil(span / MAX_POINTS / 1000))} seconds`;
  const sources = (await listSources(prisma)).filter((s) => (CAPACITY_KINDS as readonly string[]).includes(s.kind));

  const panels = await Promise.all(
    sources.map(async (s): Promise<SourcePanel> => {
      const thresholds = thresholdsFor(s.config);
      const [latest, series] = await Promise.all([
        prisma.$queryRaw<{ metric: string; value: number; limit: number | null; sampledAt: Date; data: Record<string, unknown> }[]>`
          SELECT DISTINCT ON (metric) metric, value, "limit", "sampledAt", data
          FROM "CapacitySample" WHERE "sourceId" = ${s.id} AND "sampledAt" <= ${to}
          ORDER BY metric, "sampledAt" DESC`,
        prisma.$queryRaw<SeriesRow[]>`
          SELECT metric, date_bin(${bucket}::interval, "sampledAt", ${from}) AS b, max(value) AS value, max("limit") AS "limit"
          FROM "CapacitySample" WHERE "sourceId" = ${s.id} AND "sampledAt" BETWEEN ${from} AND ${to}
          GROUP BY 1, 2 ORDER BY 1, 2`,
      ]);
      const metrics = await Promise.all(
        latest.map(async (l): Promise<MetricPanel> => {
          const points = series.filter((r) => r.metric === l.metric).map((r) => ({ t: r.b.getTime(), value: r.value, limit: r.limit }));
          const kinds = OVERLAY_KINDS[l.metric] ?? [];
          const overlay = kinds.length
            ? await prisma.$queryRaw<OverlayRow[]>`
                SELECT date_bin(${bucket}::interval, "occurredAt", ${from}) AS b, kind, count(*)::int AS n
                FROM "Event" WHERE kind = ANY(${kinds}) AND "occurredAt" BETWEEN ${from} AND ${to}
                GROUP BY 1, 2 ORDER BY 1`
            : [];
          const recent = points.slice(-20).map((p) => ({ t: p.t, v: p.value }));
          return {
            metric: l.metric,
            value: l.value,
            limit: l.limit,
            saturation: l.limit ? l.value / l.limit : null,
            level: levelOf(l.value, l.limit, thresholds),
            sampledAt: l.sampledAt.toISOString(),
            data: l.data,
            series: points,
            overlay: overlay.map((o) => ({ t: o.b.getTime(), count: o.n, kind: o.kind })),
            secondsToExhaustion: timeToExhaustion(recent, l.limit),
          };
        }),
      );
      const { id, name, kind, demo, healthStatus, healthError, downSince, lastCheckedAt, maskedUrl } = s;
      return { source: { id, name, kind, demo, healthStatus, healthError, downSince, lastCheckedAt, maskedUrl }, thresholds, metrics };
    }),
  );
  return { from: from.toISOString(), to: to.toISOString(), sources: panels };
}
