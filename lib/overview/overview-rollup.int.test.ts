import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { slideLastHour } from "../incidents/last-hour";
import { listIncidents, ListIncidentsQuerySchema } from "../incidents/list-incidents";
import { ingestLogFile } from "../ingest/ingest-file";
import { EventWriter } from "../ingest/store/event-writer";
import { writePgLogAround } from "../ingest/store/rollup-fixtures";
import { PrismaClient } from "../store/generated/client";
import { applyMigrations } from "../store/migrate";
import { ensureDatabase } from "../store/start-store";
import { OVERVIEW_RANGES } from "../vocabulary/time-ranges";
import { getOverview } from "./get-overview";

// The Overview's per-kind chart and the rate sort as they were read before the rollups, summing
// every incident's minutes: the rollups must give the same answers on the same store.
const BEFORE_PER_KIND = `
  SELECT floor((extract(epoch FROM m.minute) * 1000 - $1) / $2)::int AS b, i.kind, sum(m.count)::int AS n
  FROM "IncidentMinute" m JOIN "Incident" i ON i.id = m."incidentId" WHERE m.minute >= $3 GROUP BY 1, 2`;
const BEFORE_RATE_SORT = `
  SELECT i.id, coalesce(r.n, 0) AS rate FROM "Incident" i
  LEFT JOIN (SELECT "incidentId", sum(count)::int AS n FROM "IncidentMinute" WHERE minute >= $1 GROUP BY 1) r ON r."incidentId" = i.id
  ORDER BY 2 DESC, i.id DESC`;

// A store of its own (the shared test database holds minutes other tests wrote by hand): three
// sources' logs over 26 hours, read by the CLI path.
const name = `overview_rollup_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const url = inject("embeddedUrl").replace(/\/postgres$/, `/${name}`);
const dir = await mkdtemp(path.join(tmpdir(), "lockboard-overview-rollup-"));
let prisma: PrismaClient;
let c: pg.Client;

beforeAll(async () => {
  await ensureDatabase(inject("embeddedUrl"), name);
  await applyMigrations(url);
  prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  c = new pg.Client({ connectionString: url });
  await c.connect();
  const writer = await EventWriter.open({ databaseUrl: url, commit: "relaxed" });
  try {
    const now = Date.now();
    const logs: [string, number, number, number][] = [
      ["app-db", now, 700, 137_000],
      ["analytics-db", now - 5 * 60_000, 400, 31_000],
      ["late-db", now + 3 * 60_000, 90, 61_000],
    ];
    for (const [source, end, n, step] of logs) {
      const file = path.join(dir, `${source}.log`);
      await writePgLogAround(file, end, n, step);
      await ingestLogFile(prisma, source, file, { writer, batchSize: 50 });
    }
  } finally {
    await writer.close();
  }
});
afterAll(async () => {
  await c.end();
  await prisma.$disconnect();
  await rm(dir, { recursive: true, force: true });
});

const perKindBefore = async (start: number, bucketMs: number) => {
  const { rows } = await c.query<{ b: number; kind: string; n: number }>(BEFORE_PER_KIND, [start, bucketMs, new Date(start)]);
  return rows;
};

describe("the Overview and the rate sort from the rollups", () => {
  it("give the answers of the queries they replace, for every range and at several moments", async () => {
    const check = async (now: Date) => {
      for (const range of OVERVIEW_RANGES) {
        const o = await getOverview(prisma, { range }, now);
        const start = Date.parse(o.range.from);
        const before = await perKindBefore(start, o.range.bucketMs);
        const kinds = [...new Set(before.map((r) => r.kind))].sort();
        expect(o.kinds).toEqual(kinds);
        const want = Array.from(
          { length: o.perKind.length },
          (_, i) => ({ t: start + i * o.range.bucketMs, ...Object.fromEntries(kinds.map((k) => [k, 0])) }) as Record<string, number>,
        );
        for (const r of before) if (want[r.b]) want[r.b][r.kind] += r.n;
        expect(o.perKind).toEqual(want);
        if (range === "24h") expect(o.perKind.some((b) => kinds.some((k) => b[k] > 0))).toBe(true);
      }
      const hourAgo = new Date(now.getTime() - 3_600_000);
      const before = (await c.query<{ id: number; rate: number }>(BEFORE_RATE_SORT, [hourAgo])).rows.map((r) => [r.id, r.rate]);
      // Paged through with the cursor, 7 at a time, as the list's pages go.
      const after: number[][] = [];
      let cursor: string | undefined;
      do {
        const page = await listIncidents(prisma, ListIncidentsQuerySchema.parse({ sort: "rate", limit: "7", ...(cursor ? { cursor } : {}) }), now);
        after.push(...page.items.map((i) => [i.id, i.rate]));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(after).toEqual(before);
      const o = await getOverview(prisma, { range: "6h" }, now);
      const open = (await c.query<{ id: number }>(`SELECT id FROM "Incident" WHERE status = 'open'`)).rows.map((r) => r.id);
      expect(o.topOpen.map((i) => [i.id, i.rate])).toEqual(before.filter(([id]) => open.includes(id)).slice(0, 8));
      return before;
    };
    for (const offsetMin of [0, -17, 43, 90]) {
      const now = new Date(Date.now() + offsetMin * 60_000);
      const ranked = await check(now);
      if (offsetMin === 0) expect(ranked.some(([, rate]) => rate > 0)).toBe(true);
      // Once the job has moved the hour on to this moment: the same answers again.
      await slideLastHour(prisma, now);
      await check(now);
    }
  });
});
