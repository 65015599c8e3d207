import "server-only";
import { Prisma, type PrismaClient } from "../store/generated/client";
import { decodeCursor, encodeCursor } from "./cursor";
import type { IncidentFilters, ListIncidentsQuery } from "./incident-query";
import { incidentWhere } from "./incident-where";
import { lastHourJoin, lastHourRate } from "./last-hour";

export type { ListIncidentsQuery } from "./incident-query";
export { ListIncidentsQuerySchema, IncidentStatusSchema } from "./incident-query";

/** Sparkline: the last 6 hours in 15-minute buckets. */
export const SPARK_HOURS = 6;
export const SPARK_BUCKETS = 24;

export type IncidentSummary = {
  id: number;
  kind: string;
  title: string;
  /** What tells it from other incidents of its kind on the source (constraint, index, lock key); null when nothing does. */
  subject: string | null;
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

/** A summary as the store answers it: times as Dates, and no sparkline yet. */
type IncidentRow = Omit<IncidentSummary, "statusChangedAt" | "firstSeen" | "lastSeen" | "spark"> & {
  statusChangedAt: Date | null;
  firstSeen: Date;
  lastSeen: Date;
};

const ORDER = {
  lastSeen: { col: Prisma.sql`i."lastSeen"`, cast: (v: string | number) => new Date(String(v)) },
  count: { col: Prisma.sql`i.count`, cast: (v: string | number) => Number(v) },
  rate: { col: Prisma.sql`r.n`, cast: (v: string | number) => Number(v) },
} as const;

type PageQuery = IncidentFilters & { sort: ListIncidentsQuery["sort"]; cursor?: string; limit: number };

/** Rows of one page (or an export), newest / biggest first, keyset-paginated on (sort value, id). */
export async function queryIncidents(prisma: PrismaClient, q: PageQuery, now = new Date()): Promise<IncidentRow[]> {
  return prisma.$queryRaw<IncidentRow[]>(incidentsPageSql(q, now));
}

/** The statement of queryIncidents (the triage bench explains it). */
export function incidentsPageSql(q: PageQuery, now = new Date()): Prisma.Sql {
  const order = ORDER[q.sort];
  const c = q.cursor ? decodeCursor(q.cursor) : null;
  const after = c ? Prisma.sql`AND (${order.col}, i.id) < (${order.cast(c.value)}, ${Number(c.id)})` : Prisma.empty;
  // The rate sort needs every candidate's last hour; other sorts only the page's (joined after the
  // LIMIT). Either way it is read from IncidentLastHour (last-hour.ts), not summed from the minutes.
  const rateJoin = q.sort === "rate" ? lastHourJoin(now) : Prisma.empty;
  return Prisma.sql`
    WITH page AS (
      SELECT i.* ${q.sort === "rate" ? Prisma.sql`, r.n AS rate` : Prisma.empty}
      FROM "Incident" i ${rateJoin}
      WHERE ${incidentWhere(q, now)} ${after}
      ORDER BY ${order.col} DESC, i.id DESC
      LIMIT ${q.limit})
    SELECT p.id, p.kind, p.title, p.subject, s.name AS source, p.count, p.status, p.regression, p."statusChangedBy", p."statusChangedAt",
           p."firstSeen", p."lastSeen",
           ${q.sort === "rate" ? Prisma.sql`p.rate` : lastHourRate(Prisma.sql`p.id`, Prisma.sql`h`, now)} AS rate
    FROM page p LEFT JOIN "Source" s ON s.id = p."sourceId" ${q.sort === "rate" ? Prisma.empty : Prisma.sql`LEFT JOIN "IncidentLastHour" h ON h."incidentId" = p.id`}
    ORDER BY ${q.sort === "lastSeen" ? Prisma.sql`p."lastSeen"` : q.sort === "count" ? Prisma.sql`p.count` : Prisma.sql`p.rate`} DESC, p.id DESC`;
}

const QUARTER_MS = 15 * 60_000;

type SparkWindow = { from: number; to: number };

/** The sparkline's buckets: SPARK_BUCKETS over the last SPARK_HOURS, or about as many whole minutes over `window`. */
function sparkShape(now: Date, window?: SparkWindow): { from: Date; to: Date | null; bucketMs: number; buckets: number } {
  if (!window) {
    const span = SPARK_HOURS * 3_600_000;
    const bucketMs = span / SPARK_BUCKETS;
    return { from: new Date(Math.floor((now.getTime() - span) / bucketMs) * bucketMs + bucketMs), to: null, bucketMs, buckets: SPARK_BUCKETS };
  }
  const span = window.to - window.from;
  const bucketMs = Math.max(60_000, Math.ceil(span / SPARK_BUCKETS / 60_000) * 60_000);
  const buckets = Math.max(1, Math.ceil(span / bucketMs));
  return { from: new Date(window.to - buckets * bucketMs), to: new Date(window.to), bucketMs, buckets };
}

/**
 * Per-incident counts in SPARK_BUCKETS buckets over the last SPARK_HOURS: from IncidentQuarter
 * (the buckets are whole quarter hours, 24 rows an incident) rather than 360 minutes of IncidentMinute.
 * Or over `window` (the Overview's range, so a 15-minute view's sparklines are not one tick).
 */
export async function sparklines(prisma: PrismaClient, ids: number[], now = new Date(), window?: SparkWindow): Promise<Map<number, number[]>> {
  const { buckets } = sparkShape(now, window);
  const out = new Map(ids.map((id) => [id, new Array<number>(buckets).fill(0)]));
  if (ids.length === 0) return out;
  for (const r of await prisma.$queryRaw<{ id: number; b: number; n: number }[]>(sparklineSql(ids, now, window))) {
    const s = out.get(r.id);
    if (s && r.b >= 0 && r.b < buckets) s[r.b] += r.n;
  }
  return out;
}

/** The statement of sparklines (the triage bench explains it). */
export function sparklineSql(ids: number[], now: Date, window?: SparkWindow): Prisma.Sql {
  const { from, to, bucketMs } = sparkShape(now, window);
  // Buckets of whole quarter hours that start on one: each quarter falls in one bucket.
  const quarters = bucketMs % QUARTER_MS === 0 && from.getTime() % QUARTER_MS === 0 && to === null;
  const table = quarters ? Prisma.sql`"IncidentQuarter"` : Prisma.sql`"IncidentMinute"`;
  const at = quarters ? Prisma.sql`quarter` : Prisma.sql`minute`;
  return Prisma.sql`
    SELECT "incidentId" AS id, floor(extract(epoch FROM ${at} - ${from}::timestamptz) * 1000 / ${bucketMs})::int AS b, sum(count)::int AS n
    FROM ${table} WHERE "incidentId" = ANY(${ids}::int[]) AND ${at} >= ${from}${to ? Prisma.sql` AND ${at} <= ${to}` : Prisma.empty}
    GROUP BY 1, 2`;
}

const sortValue = (r: IncidentRow, sort: ListIncidentsQuery["sort"]) => (sort === "lastSeen" ? r.lastSeen.toISOString() : sort === "count" ? r.count : r.rate);

export async function listIncidents(
  prisma: PrismaClient,
  q: ListIncidentsQuery,
  now = new Date(),
): Promise<{ items: IncidentSummary[]; nextCursor: string | null }> {
  const rows = await queryIncidents(prisma, { ...q, limit: q.limit + 1 }, now);
  const page = rows.slice(0, q.limit);
  const sparks = await sparklines(
    prisma,
    page.map((r) => r.id),
    now,
  );
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
    subject: r.subject ?? null,
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
