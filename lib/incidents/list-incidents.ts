import "server-only";
import { Prisma, type PrismaClient } from "../store/generated/client";
import { decodeCursor, encodeCursor } from "./cursor";
import type { IncidentFilters, ListIncidentsQuery } from "./incident-query";
import { incidentWhere } from "./incident-where";

export type { ListIncidentsQuery } from "./incident-query";
export { ListIncidentsQuerySchema, IncidentStatusSchema } from "./incident-query";

/** Sparkline: the last 6 hours in 15-minute buckets. */
export const SPARK_HOURS = 6;
export const SPARK_BUCKETS = 24;

export type IncidentSummary = {
  id: number;
  kind: string;
  title: string;
  source: string | null;
  count: number;
  /** Events in the last hour. */
  rate: number;
  status: string;
  regression: boolean;
  statusChangedBy: string | null;
  statusChangedAt: string | null;
  firstSeen: string;
  lastSeen: string;
  spark: number[];
};

type IncidentRow = {
  id: number; kind: string; title: string; source: string | null; count: number; rate: number; status: string; regression: boolean;
  statusChangedBy: string | null; statusChangedAt: Date | null; firstSeen: Date; lastSeen: Date;
};

const ORDER = {
  lastSeen: { col: Prisma.sql`i."lastSeen"`, cast: (v: string | number) => new Date(String(v)) },
  count: { col: Prisma.sql`i.count`, cast: (v: string | number) => Number(v) },
  rate: { col: Prisma.sql`coalesce(r.n, 0)`, cast: (v: string | number) => Number(v) },
} as const;

/** Rows of one page (or an export), newest / biggest first, keyset-paginated on (sort value, id). */
export async function queryIncidents(
  prisma: PrismaClient,
  q: IncidentFilters & { sort: ListIncidentsQuery["sort"]; cursor?: string; limit: number },
  now = new Date(),
): Promise<IncidentRow[]> {
  const order = ORDER[q.sort];
  const c = q.cursor ? decodeCursor(q.cursor) : null;
  const after = c ? Prisma.sql`AND (${order.col}, i.id) < (${order.cast(c.value)}, ${Number(c.id)})` : Prisma.empty;
  const hourAgo = new Date(now.getTime() - 3_600_000);
  // The rate sort needs every candidate's last hour; other sorts only the page's (joined after the LIMIT).
  const rateJoin = q.sort === "rate"
    ? Prisma.sql`LEFT JOIN (SELECT "incidentId", sum(count)::int AS n FROM "IncidentMinute" WHERE minute >= ${hourAgo} GROUP BY 1) r ON r."incidentId" = i.id`
    : Prisma.empty;
  return prisma.$queryRaw<IncidentRow[]>`
    WITH page AS (
      SELECT i.* ${q.sort === "rate" ? Prisma.sql`, coalesce(r.n, 0) AS rate` : Prisma.empty}
      FROM "Incident" i ${rateJoin}
      WHERE ${incidentWhere(q, now)} ${after}
      ORDER BY ${order.col} DESC, i.id DESC
      LIMIT ${q.limit})
    SELECT p.id, p.kind, p.title, s.name AS source, p.count, p.status, p.regression, p."statusChangedBy", p."statusChangedAt",
           p."firstSeen", p."lastSeen",
           ${q.sort === "rate" ? Prisma.sql`p.rate` : Prisma.sql`coalesce((SELECT sum(m.count) FROM "IncidentMinute" m WHERE m."incidentId" = p.id AND m.minute >= ${hourAgo}), 0)::int`} AS rate
    FROM page p LEFT JOIN "Source" s ON s.id = p."sourceId"
    ORDER BY ${q.sort === "lastSeen" ? Prisma.sql`p."lastSeen"` : q.sort === "count" ? Prisma.sql`p.count` : Prisma.sql`p.rate`} DESC, p.id DESC`;
}

/** Per-incident counts in SPARK_BUCKETS buckets over the last SPARK_HOURS, from IncidentMinute. */
export async function sparklines(prisma: PrismaClient, ids: number[], now = new Date()): Promise<Map<number, number[]>> {
  const out = new Map(ids.map((id) => [id, new Array<number>(SPARK_BUCKETS).fill(0)]));
  if (ids.length === 0) return out;
  const span = SPARK_HOURS * 3_600_000;
  const bucketMs = span / SPARK_BUCKETS;
  const from = new Date(Math.floor((now.getTime() - span) / bucketMs) * bucketMs + bucketMs);
  const rows = await prisma.$queryRaw<{ id: number; b: number; n: number }[]>`
    SELECT "incidentId" AS id, floor(extract(epoch FROM minute - ${from}::timestamptz) * 1000 / ${bucketMs})::int AS b, sum(count)::int AS n
    FROM "IncidentMinute" WHERE "incidentId" = ANY(${ids}::int[]) AND minute >= ${from}
    GROUP BY 1, 2`;
  for (const r of rows) {
    const s = out.get(r.id);
    if (s && r.b >= 0 && r.b < SPARK_BUCKETS) s[r.b] += r.n;
  }
  return out;
}

const sortValue = (r: IncidentRow, sort: ListIncidentsQuery["sort"]) =>
  sort === "lastSeen" ? r.lastSeen.toISOString() : sort === "count" ? r.count : r.rate;

export async function listIncidents(prisma: PrismaClient, q: ListIncidentsQuery, now = new Date()): Promise<{ items: IncidentSummary[]; nextCursor: string | null }> {
  const rows = await queryIncidents(prisma, { ...q, limit: q.limit + 1 }, now);
  const page = rows.slice(0, q.limit);
  const sparks = await sparklines(prisma, page.map((r) => r.id), now);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({ ...toSummary(r), spark: sparks.get(r.id) ?? [] })),
    nextCursor: rows.length > q.limit && last ? encodeCursor(sortValue(last, q.sort), last.id) : null,
  };
}

export function toSummary(r: IncidentRow): Omit<IncidentSummary, "spark"> {
  return {
    id: r.id,
    kind: r.kind,
    title: r.title,
    source: r.source,
    count: r.count,
    rate: r.rate,
    status: r.status,
    regression: r.regression,
    statusChangedBy: r.statusChangedBy,
    statusChangedAt: r.statusChangedAt?.toISOString() ?? null,
    firstSeen: r.firstSeen.toISOString(),
    lastSeen: r.lastSeen.toISOString(),
  };
}
