import { randomBytes } from "node:crypto";
import { appendFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lastHourStart, slideLastHour } from "../../incidents/last-hour";
import type { AdvisoryLockGroup } from "../../postgres/lock-model";
import { ADVISORY_LOCK_STUCK, raiseStuckLockIncidents } from "../../postgres/stuck-incident";
import { listIncidents, ListIncidentsQuerySchema } from "../../incidents/list-incidents";
import { disconnectPrisma, getPrisma } from "../../store/prisma";
import { ingestLogFile } from "../ingest-file";
import { ingestNdjson } from "../push-ingest";
import { EventWriter } from "./event-writer";
import { kindMinutes, lastHours, pgLogAround, quarters, writePgLogAround } from "./rollup-fixtures";
import { closeEventWriter } from "./shared-writer";

const tag = randomBytes(4).toString("hex");
const dir = await mkdtemp(path.join(tmpdir(), "lockboard-rollups-"));
let c: pg.Client;

beforeAll(async () => {
  c = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
});
afterAll(async () => {
  await c.end();
  await closeEventWriter();
  await disconnectPrisma();
  await rm(dir, { recursive: true, force: true });
});

const sourceId = async (name: string) => (await getPrisma().source.findUniqueOrThrow({ where: { name } })).id;

/** The rollups of `name` equal what its events say, and the rate sort gives each incident its last hour's events (and its sparkline its 6 hours'). */
async function expectRollupsMatchEvents(name: string, now = new Date()) {
  const id = await sourceId(name);
  const km = await kindMinutes(c, [id]);
  expect(km.fromEvents.length).toBeGreaterThan(0);
  expect(km.stored).toEqual(km.fromEvents);
  const qs = await quarters(c, [id]);
  expect(qs.stored).toEqual(qs.fromEvents);
  const hours = await lastHours(c, [id], lastHourStart(now));
  // (An incident with no row never had a minute to count: readers sum its minutes.)
  for (const h of hours) if (h.count !== null) expect(h.count, `incident ${h.id}: count against the minutes from its since`).toBe(h.covered);
  const q = ListIncidentsQuerySchema.parse({ source: name, sort: "rate", limit: "500" });
  const listed = await listIncidents(getPrisma(), q, now);
  expect(listed.items.map((i) => [i.id, i.rate]).sort((a, b) => a[0] - b[0])).toEqual(hours.map((h) => [h.id, h.events]));
  const sparkFrom = new Date(Math.floor((now.getTime() - 6 * 3_600_000) / 900_000) * 900_000 + 900_000);
  for (const item of listed.items) {
    const inSix = Number(
      (
        await c.query(`SELECT count(*) FROM "Event" WHERE "incidentId" = $1 AND "occurredAt" >= $2 AND "occurredAt" < $3`, [
          item.id,
          sparkFrom,
          new Date(sparkFrom.getTime() + 6 * 3_600_000),
        ])
      ).rows[0].count,
    );
    expect(
      item.spark.reduce((a, b) => a + b, 0),
      `incident ${item.id}: its sparkline's total`,
    ).toBe(inSix);
  }
  return { km, hours, listed };
}

describe("the per-minute rollups the event writer keeps", () => {
  it("through the CLI path: in small batches on two connections, across minute and hour boundaries, and not again on a re-read", async () => {
    const name = `rollup-cli-${tag}`;
    const file = path.join(dir, "cli.log");
    // 200 failures 23 s apart up to now: 76 minutes, across the hour's edge and many minute edges.
    await writePgLogAround(file, Date.now(), 200, 23_000);
    const writer = await EventWriter.open({ commit: "relaxed", connections: 2 });
    try {
      const first = await ingestLogFile(getPrisma(), name, file, { writer, batchSize: 7 });
      expect(first.inserted).toBe(200);
      const before = await expectRollupsMatchEvents(name);
      // Several incidents, several kinds, some of them counting in the last hour.
      expect(new Set(before.km.stored.map((r) => r.kind)).size).toBeGreaterThanOrEqual(3);
      const inHour = before.hours.reduce((n, h) => n + h.events, 0);
      expect(inHour).toBeGreaterThan(0);
      expect(inHour).toBeLessThan(first.inserted);

      const again = await ingestLogFile(getPrisma(), name, file, { writer, batchSize: 5, startOffset: 0 });
      expect(again.inserted).toBe(0);
      const after = await expectRollupsMatchEvents(name);
      expect(after.km.stored).toEqual(before.km.stored);

      // Lines added to the file: read again from the start, the old ones are duplicates (the staged path) and only the new count.
      await appendFile(file, pgLogAround(Date.now() + 60_000, 30, 2_000));
      const more = await ingestLogFile(getPrisma(), name, file, { writer, batchSize: 11, startOffset: 0 });
      expect(more.inserted).toBe(30);
      expect(more.duplicates).toBeGreaterThan(0);
      await expectRollupsMatchEvents(name);
    } finally {
      await writer.close();
    }
  });

  it("through the push path: a retried push adds nothing, a push that repeats part of an earlier one counts only the new events", async () => {
    const name = `rollup-push-${tag}`;
    const now = Date.now();
    const lines = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) =>
        JSON.stringify({
          time: new Date(now - (from + i) * 37_000).toISOString(),
          level: "error",
          messageId: `${tag}-${from + i}`,
          msg: `E11000 duplicate key error collection: chat.c${(from + i) % 3}_${tag} index: messageId_1 dup key: { messageId: "${tag}-${from + i}" }`,
        }),
      );
    const body = lines(0, 120).join("\n");
    expect((await ingestNdjson(getPrisma(), name, Buffer.from(body))).inserted).toBe(120);
    const first = await expectRollupsMatchEvents(name);
    expect(first.hours.reduce((n, h) => n + h.events, 0)).toBeGreaterThan(0);
    expect(first.hours.reduce((n, h) => n + h.events, 0)).toBeLessThan(120);

    expect(await ingestNdjson(getPrisma(), name, Buffer.from(body))).toMatchObject({ inserted: 0, duplicates: 120 });
    expect((await expectRollupsMatchEvents(name)).km.stored).toEqual(first.km.stored);

    const overlap = await ingestNdjson(getPrisma(), name, Buffer.from(lines(100, 40).join("\n")));
    expect(overlap).toMatchObject({ inserted: 20, duplicates: 20 });
    await expectRollupsMatchEvents(name);

    // A late push of a new incident's events from three hours ago: nothing to count in the hour, no row; read as zero.
    const old = JSON.stringify({
      time: new Date(now - 3 * 3_600_000).toISOString(),
      level: "error",
      messageId: `${tag}-old`,
      msg: `E11000 duplicate key error collection: chat.old_${tag} index: messageId_1 dup key: { messageId: "${tag}-old" }`,
    });
    expect((await ingestNdjson(getPrisma(), name, Buffer.from(old))).inserted).toBe(1);
    const late = await expectRollupsMatchEvents(name);
    expect(late.hours.filter((h) => h.count === null).map((h) => h.events)).toEqual([0]);
  });

  it("stays exact as the hour moves on, whether or not the job has moved each row's start, and while batches come in", async () => {
    const name = `rollup-slide-${tag}`;
    const file = path.join(dir, "slide.log");
    await writePgLogAround(file, Date.now(), 150, 29_000);
    const writer = await EventWriter.open({ commit: "synchronous", connections: 2 });
    try {
      await ingestLogFile(getPrisma(), name, file, { writer, batchSize: 9 });
      const id = await sourceId(name);
      // Readers an hour and more apart: before any slide, the rows are corrected by the minutes that left.
      for (const ahead of [0, 7, 31, 59, 61, 120]) await expectRollupsMatchEvents(name, new Date(Date.now() + ahead * 60_000));
      // The job moves the rows' start along (as it would every 10 s over these 31 minutes); readers in the past still get their hour.
      await slideLastHour(getPrisma(), new Date(Date.now() + 31 * 60_000));
      const since = (
        await c.query(`SELECT DISTINCT h.since FROM "IncidentLastHour" h JOIN "Incident" i ON i.id = h."incidentId" WHERE i."sourceId" = $1 AND h.count > 0`, [
          id,
        ])
      ).rows;
      expect(since.map((r) => r.since.getTime())).toEqual([lastHourStart(new Date(Date.now() + 31 * 60_000)).getTime()]);
      for (const ahead of [-20, 0, 31, 45, 90]) await expectRollupsMatchEvents(name, new Date(Date.now() + ahead * 60_000));

      // Batches and slides at once: each slide locks the rows, the batches wait or go first, and nothing is lost or counted twice.
      await appendFile(file, pgLogAround(Date.now() + 40 * 60_000, 120, 15_000));
      const slides = (async () => {
        for (let m = 32; m <= 40; m++) await slideLastHour(getPrisma(), new Date(Date.now() + m * 60_000));
      })();
      await Promise.all([ingestLogFile(getPrisma(), name, file, { writer, batchSize: 3, startOffset: 0 }), slides]);
      for (const ahead of [0, 40, 41, 70]) await expectRollupsMatchEvents(name, new Date(Date.now() + ahead * 60_000));
    } finally {
      await writer.close();
    }
  });

  it("through the lock sampler's stuck-lock sightings, the other writer of incident minutes", async () => {
    const prisma = getPrisma();
    const source = await prisma.source.create({ data: { name: `rollup-stuck-${tag}`, kind: "postgres" } });
    const group = (k: number) =>
      ({
        objectKey: `advisory:1:0:${k}:1`,
        key: { label: String(k) },
        target: null,
        database: "app",
        holders: [{ pid: 100 + k, mode: "ExclusiveLock" }],
        waiters: [],
        longestWaitMs: null,
        stuck: { reason: "held past the limit" },
      }) as unknown as AdvisoryLockGroup;
    const now = Date.now();
    // Passes 40 s apart over 70 minutes: two keys stuck in each, a third in every other one.
    let passes = 0;
    for (let t = now - 70 * 60_000; t <= now; t += 40_000, passes++) {
      const advisory = passes % 2 === 0 ? [group(1), group(2), group(3)] : [group(1), group(2)];
      await raiseStuckLockIncidents(prisma, source, { advisory, backends: [], takenAt: new Date(t).toISOString() });
    }
    const stored = await c.query(`SELECT minute, kind, count FROM "SourceKindMinute" WHERE "sourceId" = $1 ORDER BY 1, 2`, [source.id]);
    const fromMinutes = await c.query(
      `SELECT m.minute, i.kind, sum(m.count)::int AS count FROM "IncidentMinute" m JOIN "Incident" i ON i.id = m."incidentId" WHERE i."sourceId" = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
      [source.id],
    );
    expect(stored.rows.every((r) => r.kind === ADVISORY_LOCK_STUCK)).toBe(true);
    expect(stored.rows.reduce((n, r) => n + r.count, 0)).toBe(passes * 2 + Math.ceil(passes / 2));
    expect(stored.rows).toEqual(fromMinutes.rows);
    const quartersStored = await c.query(
      `SELECT q."incidentId", q.quarter, q.count FROM "IncidentQuarter" q JOIN "Incident" i ON i.id = q."incidentId" WHERE i."sourceId" = $1 ORDER BY 1, 2`,
      [source.id],
    );
    const quartersFromMinutes = await c.query(
      `SELECT m."incidentId", to_timestamp(floor(extract(epoch FROM m.minute) / 900) * 900) AS quarter, sum(m.count)::int AS count
       FROM "IncidentMinute" m JOIN "Incident" i ON i.id = m."incidentId" WHERE i."sourceId" = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
      [source.id],
    );
    expect(quartersStored.rows).toEqual(quartersFromMinutes.rows);
    for (const at of [new Date(now), new Date(now + 25 * 60_000)]) {
      const listed = await listIncidents(prisma, ListIncidentsQuerySchema.parse({ source: source.name, sort: "rate" }), at);
      const want = await c.query(
        `SELECT i.id, coalesce((SELECT sum(m.count) FROM "IncidentMinute" m WHERE m."incidentId" = i.id AND m.minute >= $2), 0)::int AS rate
         FROM "Incident" i WHERE i."sourceId" = $1 ORDER BY 2 DESC, 1 DESC`,
        [source.id, lastHourStart(at)],
      );
      expect(listed.items.map((i) => [i.id, i.rate])).toEqual(want.rows.map((r) => [r.id, r.rate]));
    }
    await prisma.source.delete({ where: { id: source.id } });
  });
});
