// The Overview's per-kind chart and the rate sort as they were read before the rollups (issue 19):
// summed from every incident's minutes on each request. The triage bench checks that the rollups
// give the same answers on its store, and explains both plans (EXPLAIN (ANALYZE, BUFFERS)).
import { writeFile } from "node:fs/promises";
import type pg from "pg";
import {
  incidentsPageSql,
  listIncidents,
  ListIncidentsQuerySchema,
  SPARK_BUCKETS,
  SPARK_HOURS,
  sparklineSql,
  sparklines,
} from "@/lib/incidents/list-incidents";
import { OVERVIEW_RANGES } from "@/lib/vocabulary/time-ranges";
import { overviewBuckets, perKindSql } from "@/lib/overview/get-overview";
import type { PrismaClient } from "@/lib/store/generated/client";
import { round, type Figure } from "./types";

const BEFORE_PER_KIND = `
  SELECT floor((extract(epoch FROM m.minute) * 1000 - $1) / $2)::int AS b, i.kind, sum(m.count)::int AS n
  FROM "IncidentMinute" m JOIN "Incident" i ON i.id = m."incidentId"
  WHERE m.minute >= $3 GROUP BY 1, 2`;

const BEFORE_RATE_SORT = `
  SELECT i.id, coalesce(r.n, 0) AS rate
  FROM "Incident" i LEFT JOIN (SELECT "incidentId", sum(count)::int AS n FROM "IncidentMinute" WHERE minute >= $1 GROUP BY 1) r ON r."incidentId" = i.id
  ORDER BY 2 DESC, i.id DESC LIMIT $2`;

const BEFORE_SPARKS = `
  SELECT "incidentId" AS id, floor(extract(epoch FROM minute - $1::timestamptz) * 1000 / $2)::int AS b, sum(count)::int AS n
  FROM "IncidentMinute" WHERE "incidentId" = ANY($3::int[]) AND minute >= $1 GROUP BY 1, 2`;

const key = (r: { b: number; kind: string; n: number }) => `${r.b}|${r.kind}|${r.n}`;
const sorted = (rows: { b: number; kind: string; n: number }[]) =>
  rows
    .filter((r) => r.b >= 0 && r.b < 48)
    .map(key)
    .sort();

async function explain(c: pg.Client, sql: string, values: unknown[]): Promise<{ ms: number; plan: string }> {
  const { rows } = await c.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, values);
  const plan = rows.map((r) => r["QUERY PLAN"]).join("\n");
  return { ms: Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN), plan };
}

/**
 * Same answers before and after (per-kind buckets for every Overview range; the whole rate
 * ranking, ids and rates, 500 rows), then the plans of both, written to `planFile` (else stderr), their
 * execution times as figures. Throws on a difference: the figures would mean nothing.
 */
export async function compareWithBefore(c: pg.Client, prisma: PrismaClient, planFile: string | null, now = new Date()): Promise<Figure[]> {
  const figures: Figure[] = [];
  let plans = `EXPLAIN (ANALYZE, BUFFERS) at ${now.toISOString()}\n`;
  for (const range of OVERVIEW_RANGES) {
    const { start, bucketMs } = overviewBuckets(range, now);
    const before = await c.query(BEFORE_PER_KIND, [start, bucketMs, new Date(start)]);
    const after = perKindSql(start, bucketMs);
    const rows = await c.query(after.text, after.values as unknown[]);
    if (JSON.stringify(sorted(before.rows)) !== JSON.stringify(sorted(rows.rows)))
      throw new Error(`the Overview's ${range} per-kind counts differ from the query before the rollup`);
    if (range !== "6h") continue;
    const [b, a] = [await explain(c, BEFORE_PER_KIND, [start, bucketMs, new Date(start)]), await explain(c, after.text, after.values as unknown[])];
    plans += `\n== Overview per-kind, 6 h, before (IncidentMinute ⋈ Incident)\n${b.plan}\n\n== Overview per-kind, 6 h, SourceKindMinute\n${a.plan}\n`;
    figures.push(
      { figure: "EXPLAIN ANALYZE: Overview per-kind counts (6 h), before: every incident's minutes", value: round(b.ms, 2), unit: "ms", comparedWith: "—" },
      {
        figure: "EXPLAIN ANALYZE: Overview per-kind counts (6 h), from SourceKindMinute",
        value: round(a.ms, 2),
        unit: "ms",
        comparedWith: `same ${OVERVIEW_RANGES.join(" / ")} answers as before`,
      },
    );
  }
  const hourAgo = new Date(now.getTime() - 3_600_000);
  const before = (await c.query<{ id: number; rate: number }>(BEFORE_RATE_SORT, [hourAgo, 500])).rows.map((r) => `${r.id}:${r.rate}`);
  const after = (await listIncidents(prisma, ListIncidentsQuerySchema.parse({ sort: "rate", limit: "500" }), now)).items.map((r) => `${r.id}:${r.rate}`);
  if (JSON.stringify(before) !== JSON.stringify(after)) throw new Error("the rate sort differs from the query before the rollup");
  // A minute later, before the job has moved the rows on: every active incident corrected by the minute that left.
  const later = new Date(now.getTime() + 60_000);
  const beforeLater = (await c.query<{ id: number; rate: number }>(BEFORE_RATE_SORT, [new Date(later.getTime() - 3_600_000), 500])).rows.map(
    (r) => `${r.id}:${r.rate}`,
  );
  const afterLater = (await listIncidents(prisma, ListIncidentsQuerySchema.parse({ sort: "rate", limit: "500" }), later)).items.map((r) => `${r.id}:${r.rate}`);
  if (JSON.stringify(beforeLater) !== JSON.stringify(afterLater))
    throw new Error("the rate sort a minute on (before the job) differs from the query before the rollup");
  const pageLater = incidentsPageSql({ sort: "rate", limit: 51 }, later);
  const al = await explain(c, pageLater.text, pageLater.values as unknown[]);
  plans += `\n== Rate sort, first page, a minute on before the job moved the rows (IncidentLastHour, corrected)\n${al.plan}\n`;
  figures.push({
    figure: "EXPLAIN ANALYZE: rate sort, first page, a minute on before the job ran (every active row corrected)",
    value: round(al.ms, 2),
    unit: "ms",
    comparedWith: "same ranking as before",
  });
  // The sparklines of the busiest page (every minute of six hours each), from minutes and from quarters.
  const ids = after.slice(0, 50).map((r) => Number(r.split(":")[0]));
  const bucketMs = (SPARK_HOURS * 3_600_000) / SPARK_BUCKETS;
  const from = new Date(Math.floor((now.getTime() - SPARK_HOURS * 3_600_000) / bucketMs) * bucketMs + bucketMs);
  const sparksBefore = new Map(ids.map((id) => [id, new Array<number>(SPARK_BUCKETS).fill(0)]));
  for (const r of (await c.query<{ id: number; b: number; n: number }>(BEFORE_SPARKS, [from, bucketMs, ids])).rows)
    if (r.b >= 0 && r.b < SPARK_BUCKETS) sparksBefore.get(r.id)![r.b] += r.n;
  const sparksAfter = await sparklines(prisma, ids, now);
  if (ids.some((id) => JSON.stringify(sparksBefore.get(id)) !== JSON.stringify(sparksAfter.get(id))))
    throw new Error("the sparklines differ from the minutes they sum");
  const sparkSql = sparklineSql(ids, now);
  const [sb, sa] = [await explain(c, BEFORE_SPARKS, [from, bucketMs, ids]), await explain(c, sparkSql.text, sparkSql.values as unknown[])];
  plans += `\n== Sparklines of the rate sort's first 50, before (IncidentMinute)\n${sb.plan}\n\n== Sparklines, IncidentQuarter\n${sa.plan}\n`;
  figures.push(
    { figure: "EXPLAIN ANALYZE: sparklines of the 50 busiest, before: 6 h of minutes each", value: round(sb.ms, 2), unit: "ms", comparedWith: "—" },
    {
      figure: "EXPLAIN ANALYZE: sparklines of the 50 busiest, from IncidentQuarter",
      value: round(sa.ms, 2),
      unit: "ms",
      comparedWith: "same sparklines as before",
    },
  );
  const page = incidentsPageSql({ sort: "rate", limit: 51 }, now);
  const [b, a] = [await explain(c, BEFORE_RATE_SORT, [hourAgo, 51]), await explain(c, page.text, page.values as unknown[])];
  plans += `\n== Rate sort, first page, before (the last hour's minutes of every incident)\n${b.plan}\n\n== Rate sort, first page, IncidentLastHour\n${a.plan}\n`;
  figures.push(
    { figure: "EXPLAIN ANALYZE: rate sort, first page, before: every incident's last-hour minutes", value: round(b.ms, 2), unit: "ms", comparedWith: "—" },
    {
      figure: "EXPLAIN ANALYZE: rate sort, first page, from IncidentLastHour",
      value: round(a.ms, 2),
      unit: "ms",
      comparedWith: "same 500-row ranking as before",
    },
  );
  if (planFile) await writeFile(planFile, plans);
  else console.error(plans);
  return figures;
}
