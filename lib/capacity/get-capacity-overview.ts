import "server-only";
import { z } from "zod";
import { isoDateTimeParam } from "../http/params";
import { checkWindow, windowFields } from "../http/time-window";
import { listSources, type PublicSource } from "../sources/source-registry";
import type { PrismaClient } from "../store/generated/client";
import { collapseMarkers, eventSourceNames, OVERLAY_KINDS, type MarkerBand } from "./event-markers";
import { forecastExhaustion } from "./forecast";
import { atLimitGapSeconds, METRIC_OF_KIND } from "./get-capacity-peaks";
import { listCapacityStats, type CapacityStats } from "./list-capacity-stats";
import { CAPACITY_KINDS } from "./read-source-capacity";
import { levelOf, thresholdsFor, type Level, type Thresholds } from "./thresholds";
import { CAPACITY_RANGES, DEFAULT_CAPACITY_RANGE, MAX_WINDOW_MS, RANGE_MS } from "../vocabulary/time-ranges";

export { OVERLAY_KINDS } from "./event-markers";

export const CapacityQuerySchema = z
  .object({
    range: z.enum(CAPACITY_RANGES).default(DEFAULT_CAPACITY_RANGE),
    /** Centre the window on this moment (links from an incident's spike). */
    at: isoDateTimeParam.optional(),
    /** A custom window (a drag-zoom on a chart); wins over range and at. */
    ...windowFields,
  })
  .superRefine(checkWindow(MAX_WINDOW_MS.capacity));
export type CapacityQuery = z.infer<typeof CapacityQuerySchema>;

const MAX_POINTS = 240;
/** Markers closer than this share of the window collapse into one band. */
const MARKER_GAP_SHARE = 1 / 30;

/** Where a reading comes from: /proc is counted by the kernel; a metrics endpoint answers only while it has a free descriptor. */
export type ReadingOrigin = "proc" | "metrics" | "server";

export type MetricPanel = {
  metric: string;
  origin: ReadingOrigin;
  value: number;
  limit: number | null;
  saturation: number | null;
  level: Level;
  sampledAt: string;
  data: Record<string, unknown>;
  peak: { value: number; limit: number | null; ratio: number | null; level: Level; at: string } | null;
  /** Seconds at or over the limit within the window, and the window's length. */
  atLimitSeconds: number;
  windowSeconds: number;
  /** At the limit in the window, or refused at it: an exhaustion event (EMFILE, too many clients) names this metric. */
  saturated: boolean;
  /** Exhaustion events (markers' total) in the window: a sample can fall just after the refusals freed a slot. */
  refusals: number;
  atLimitSince: string | null;
  atLimitSinceBeforeWindow: boolean;
  series: { t: number; value: number; limit: number | null }[];
  markers: MarkerBand[];
  secondsToExhaustion: number | null;
};

export type SourcePanel = {
  source: Pick<PublicSource, "id" | "name" | "kind" | "demo" | "healthStatus" | "healthError" | "downSince" | "lastCheckedAt" | "maskedUrl">;
  thresholds: Thresholds;
  /** The fullest any of its metrics came within the window (value / limit), for ordering. */
  peakRatio: number | null;
  metrics: MetricPanel[];
};

type SeriesRow = { sourceId: number; metric: string; b: Date; value: number; limit: number | null };
type OverlayRow = { sourceId: number; b: Date; last: Date; kind: string; n: number };

export type CapacityOverview = { from: string; to: string; sources: SourcePanel[] };

function toMetric(
  s: CapacityStats,
  source: PublicSource,
  thresholds: Thresholds,
  windowSeconds: number,
  series: MetricPanel["series"],
  markers: MarkerBand[],
): MetricPanel | null {
  if (!s.latest) return null;
  const { value, limit, sampledAt, data } = s.latest;
  return {
    metric: s.metric,
    origin: source.kind === "process" ? "proc" : source.kind === "prometheus" ? "metrics" : "server",
    value,
    limit,
    saturation: limit ? value / limit : null,
    level: levelOf(value, limit, thresholds),
    sampledAt: sampledAt.toISOString(),
    data,
    peak: s.peak ? { ...s.peak, at: s.peak.at.toISOString(), level: levelOf(s.peak.value, s.peak.limit, thresholds) } : null,
    atLimitSeconds: s.atLimitSeconds,
    windowSeconds,
    saturated: s.atLimitSeconds > 0 || s.atLimitSince !== null || markers.length > 0,
    refusals: markers.reduce((n, b) => n + b.count, 0),
    atLimitSince: s.atLimitSince?.toISOString() ?? null,
    atLimitSinceBeforeWindow: s.atLimitSinceBeforeWindow,
    series,
    markers,
    secondsToExhaustion: forecastExhaustion({ value, limit, trend: s.trend }),
  };
}

/**
 * Every capacity source over the window, fullest peak first: three statements whatever the number
 * of sources (stats, chart series, event markers), so the page does not wait on a query per panel.
 */
export async function getCapacityOverview(prisma: PrismaClient, q: CapacityQuery): Promise<CapacityOverview> {
  const custom = q.from && q.to ? { from: Date.parse(q.from), to: Date.parse(q.to) } : null;
  const span = custom ? custom.to - custom.from : RANGE_MS[q.range];
  const to = custom ? new Date(custom.to) : q.at ? new Date(new Date(q.at).getTime() + span / 2) : new Date();
  const from = new Date(to.getTime() - span);
  const bucket = `${Math.max(1, Math.ceil(span / MAX_POINTS / 1000))} seconds`;
  const all = await listSources(prisma);
  const sources = all.filter((s) => (CAPACITY_KINDS as readonly string[]).includes(s.kind));
  const ids = sources.map((s) => s.id);
  const byName = new Map(all.map((s) => [s.name, s.id]));
  // Each panel's markers come from itself and the log sources it names (config.eventSources).
  const eventSourcesOf = new Map(sources.map((s) => [s.id, new Set([s.id, ...eventSourceNames(s.config).flatMap((n) => byName.get(n) ?? [])])]));
  const eventIds = [...new Set([...eventSourcesOf.values()].flatMap((v) => [...v]))];
  const kinds = [...new Set(Object.values(OVERLAY_KINDS).flat())];
  const gapSeconds = atLimitGapSeconds();

  const [stats, series, overlay] = await Promise.all([
    listCapacityStats(
      prisma,
      sources.map((s) => ({ sourceId: s.id, metric: METRIC_OF_KIND[s.kind]! })),
      { from, to, gapSeconds },
    ),
    ids.length
      ? prisma.$queryRaw<SeriesRow[]>`
          SELECT p."sourceId", p.metric, s.b, s.value, s."limit"
          FROM unnest(${ids}::int[], ${ids.map((id) => METRIC_OF_KIND[sources.find((s) => s.id === id)!.kind]!)}::text[]) AS p("sourceId", metric)
          CROSS JOIN LATERAL (
            SELECT date_bin(${bucket}::interval, "sampledAt", ${from}::timestamptz) AS b, max(value) AS value, max("limit") AS "limit"
            FROM "CapacitySample" c WHERE c."sourceId" = p."sourceId" AND c.metric = p.metric AND c."sampledAt" > ${from}::timestamptz AND c."sampledAt" <= ${to}::timestamptz
            GROUP BY 1
          ) s ORDER BY 1, 2, 3`
      : [],
    eventIds.length
      ? prisma.$queryRaw<OverlayRow[]>`
          -- Through the incidents (every classified event counts toward one): "Event" has no index by
          -- source, and its incident index reads only these kinds' events of the window.
          SELECT i."sourceId", date_bin(${bucket}::interval, e."occurredAt", ${from}::timestamptz) AS b, max(e."occurredAt") AS last, e.kind, count(*)::int AS n
          FROM "Incident" i JOIN "Event" e ON e."incidentId" = i.id
          WHERE i."sourceId" = ANY(${eventIds}::int[]) AND i.kind = ANY(${kinds}::text[]) AND e.kind = ANY(${kinds}::text[])
            AND e."occurredAt" > ${from}::timestamptz AND e."occurredAt" <= ${to}::timestamptz
          GROUP BY 1, 2, 4`
      : [],
  ]);

  const panels = sources.map((s): SourcePanel => {
    const thresholds = thresholdsFor(s.config);
    const own = eventSourcesOf.get(s.id)!;
    const metrics = stats
      .filter((x) => x.sourceId === s.id)
      .flatMap((x) => {
        const points = series.filter((r) => r.sourceId === s.id && r.metric === x.metric).map((r) => ({ t: r.b.getTime(), value: r.value, limit: r.limit }));
        const mine = overlay.filter((o) => own.has(o.sourceId) && (OVERLAY_KINDS[x.metric] ?? []).includes(o.kind));
        const markers = collapseMarkers(
          mine.map((o) => ({ t: o.b.getTime(), last: o.last.getTime(), kind: o.kind, count: o.n })),
          span * MARKER_GAP_SHARE,
        );
        return toMetric(x, s, thresholds, span / 1000, points, markers) ?? [];
      });
    const ratios = metrics.map((m) => Math.max(m.peak?.ratio ?? 0, m.saturation ?? 0));
    const { id, name, kind, demo, healthStatus, healthError, downSince, lastCheckedAt, maskedUrl } = s;
    return {
      source: { id, name, kind, demo, healthStatus, healthError, downSince, lastCheckedAt, maskedUrl },
      thresholds,
      peakRatio: ratios.length ? Math.max(...ratios) : null,
      metrics,
    };
  });
  panels.sort((a, b) => (b.peakRatio ?? -1) - (a.peakRatio ?? -1) || a.source.name.localeCompare(b.source.name));
  return { from: from.toISOString(), to: to.toISOString(), sources: panels };
}
