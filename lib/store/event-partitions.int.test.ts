import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { getIncident } from "../incidents/get-incident";
import { ingestLogFile } from "../ingest/ingest-file";
import { EventWriter } from "../ingest/store/event-writer";
import { dropExpiredEvents, ensureEventPartitions, listDayPartitions, pruneEntities, utcDay } from "./event-partitions";
import { PrismaClient } from "./generated/client";
import { getEventStorage } from "./get-event-storage";
import { applyMigrations } from "./migrate";
import { ensureDatabase } from "./start-store";

// A store of its own: the retention pass below runs with a clock weeks ahead, which would drop
// every other test's events in the shared database.
const name = `event_partitions_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const url = inject("embeddedUrl").replace(/\/postgres$/, `/${name}`);
const DAY = 86_400_000;
const today = utcDay(Date.now());
const dayName = (ms: number) => new Date(ms).toISOString().slice(0, 10).replace(/-/g, "");
const stamp = (ms: number) => new Date(ms).toISOString().replace("T", " ").replace("Z", " UTC");

let prisma: PrismaClient;
let c: pg.Client;
let writer: EventWriter;
let dir: string;

beforeAll(async () => {
  await ensureDatabase(inject("embeddedUrl"), name);
  await applyMigrations(url);
  prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  c = new pg.Client({ connectionString: url });
  await c.connect();
  writer = await EventWriter.open({ databaseUrl: url, commit: "relaxed" });
  dir = await mkdtemp(path.join(tmpdir(), "lockboard-partitions-"));
});

afterAll(async () => {
  await writer?.close();
  await c?.end();
  await prisma?.$disconnect();
});

/** A PostgreSQL stderr log: a unique violation (with its DETAIL) at each time, then a line that is no log record at all. */
async function logFile(file: string, times: number[]): Promise<string> {
  const lines: string[] = [];
  times.forEach((t, i) => {
    lines.push(`${stamp(t)} [${4000 + i}] ERROR:  duplicate key value violates unique constraint "visit_session_uuid_key"`);
    lines.push(`${stamp(t)} [${4000 + i}] DETAIL:  Key (session_uuid)=(u-${t}-${i}) already exists.`);
  });
  lines.push("not a log line: a stray progress bar");
  const p = path.join(dir, file);
  await writeFile(p, lines.join("\n") + "\n");
  return p;
}

const whereRows = async (table: string, source: string) =>
  (
    await c.query<{ part: string; n: number }>(
      `SELECT x.tableoid::regclass::text AS part, count(*)::int AS n FROM "${table}" x
       ${table === "Event" ? `JOIN "Source" s ON s.id = x."sourceId"` : `JOIN "Event" e ON e.id = x."eventId" JOIN "Source" s ON s.id = e."sourceId"`}
       WHERE s.name = $1 GROUP BY 1 ORDER BY 1`,
      [source],
    )
  ).rows;

describe("events partitioned by class and day", () => {
  it("has today's partitions made at migration, and sends each event and link to its class and day", async () => {
    for (const parent of ["Event_signal", "Event_noise", "EventEntity_signal", "EventEntity_noise"]) {
      const days = (await listDayPartitions(c, parent)).map((p) => p.dayMs);
      for (let d = -1; d <= 2; d++) expect(days).toContain(today + d * DAY);
    }
    const file = await logFile("today.log", [Date.now() - 60_000, Date.now() - 30_000]);
    const res = await ingestLogFile(prisma, "parts-today", file, { writer, logLinePrefix: "%m [%p] " });
    expect(res.inserted).toBe(3);
    expect(await whereRows("Event", "parts-today")).toEqual([
      { part: `"Event_noise_p${dayName(today)}"`, n: 1 },
      { part: `"Event_signal_p${dayName(today)}"`, n: 2 },
    ]);
    expect(await whereRows("EventEntity", "parts-today")).toEqual([{ part: `"EventEntity_signal_p${dayName(today)}"`, n: 2 }]);
  });

  it("makes the day of a line whose day has no partition yet, before its batch (past retention too: the next pass drops it); a clock far ahead is kept at its read time", async () => {
    const old = today - 5 * DAY + 3_600_000;
    expect((await listDayPartitions(c, "Event_signal")).map((p) => p.dayMs)).not.toContain(today - 5 * DAY);
    const file = await logFile("last-week.log", [old, old + 1_000]);
    expect((await ingestLogFile(prisma, "parts-old", file, { writer, logLinePrefix: "%m [%p] " })).inserted).toBe(3);
    expect((await whereRows("Event", "parts-old")).find((r) => r.part.includes("signal"))).toEqual({
      part: `"Event_signal_p${dayName(today - 5 * DAY)}"`,
      n: 2,
    });
    expect(await whereRows("EventEntity", "parts-old")).toEqual([{ part: `"EventEntity_signal_p${dayName(today - 5 * DAY)}"`, n: 2 }]);
    // Only the class that needed it: no noise partition for that day.
    expect((await listDayPartitions(c, "Event_noise")).map((p) => p.dayMs)).not.toContain(today - 5 * DAY);
    expect(await ensureEventPartitions(c)).toEqual([]);

    const odd = await logFile("odd-times.log", [today - 30 * DAY, today + 400 * DAY]);
    const res = await ingestLogFile(prisma, "parts-odd", odd, { writer, logLinePrefix: "%m [%p] " });
    expect(res.inserted).toBe(3);
    const kept = await c.query<{ part: string; t: Date; fields: { timeOutOfRange?: string } }>(
      `SELECT e.tableoid::regclass::text AS part, e."occurredAt" AS t, e.fields FROM "Event" e JOIN "Source" s ON s.id = e."sourceId"
       WHERE s.name = 'parts-odd' AND NOT e.noise ORDER BY e."eventKey"`,
    );
    expect(kept.rows.map((r) => r.part)).toEqual([`"Event_signal_p${dayName(today - 30 * DAY)}"`, `"Event_signal_p${dayName(today)}"`]);
    expect(kept.rows[1].fields.timeOutOfRange).toBe(new Date(today + 400 * DAY).toISOString());
    expect(Math.abs(kept.rows[1].t.getTime() - Date.now())).toBeLessThan(60_000);
    // Read again: both recognized, the re-timed one too (by its key).
    expect(await ingestLogFile(prisma, "parts-odd", odd, { writer, logLinePrefix: "%m [%p] " })).toMatchObject({ inserted: 0, duplicates: 3 });
  });

  it("recognizes a re-read file in every partition, even its lines without a time of their own (given the time they were read)", async () => {
    const file = await logFile("again.log", [today - 5 * DAY + 7_200_000, Date.now() - 10_000]);
    const first = await ingestLogFile(prisma, "parts-again", file, { writer, logLinePrefix: "%m [%p] " });
    expect(first.inserted).toBe(3);
    const [{ t: untimed }] = (
      await c.query<{ t: Date }>(`SELECT e."occurredAt" AS t FROM "Event" e JOIN "Source" s ON s.id = e."sourceId" WHERE s.name = 'parts-again' AND e.noise`)
    ).rows;
    await new Promise((r) => setTimeout(r, 20));
    const second = await ingestLogFile(prisma, "parts-again", file, { writer, logLinePrefix: "%m [%p] " });
    expect(second).toMatchObject({ inserted: 0, duplicates: 3 });
    // Part of it again, with new lines after: only the new ones (the staged path, key by key).
    await writeFile(file, `${stamp(Date.now())} [4999] ERROR:  duplicate key value violates unique constraint "visit_session_uuid_key"\n`, { flag: "a" });
    expect(await ingestLogFile(prisma, "parts-again", file, { writer, logLinePrefix: "%m [%p] " })).toMatchObject({ inserted: 1, duplicates: 3 });
    expect((await c.query(`SELECT 1 FROM "Event" e JOIN "Source" s ON s.id = e."sourceId" WHERE s.name = 'parts-again'`)).rowCount).toBe(4);
    const [{ t: still }] = (
      await c.query<{ t: Date }>(`SELECT e."occurredAt" AS t FROM "Event" e JOIN "Source" s ON s.id = e."sourceId" WHERE s.name = 'parts-again' AND e.noise`)
    ).rows;
    expect(still).toEqual(untimed);
  });
});

describe("retention", () => {
  it("drops whole days past each class's retention, keeps incidents and their minutes, and says which events are gone", async () => {
    // The incident of last week's log (one per source): its first events are on the day that goes.
    const incident = await prisma.incident.findFirstOrThrow({ where: { title: { contains: "visit_session_uuid_key" } }, orderBy: { firstSeen: "asc" } });
    expect(incident.firstSeen.getTime()).toBeLessThan(today - 4 * DAY);
    const minutesBefore = await prisma.incidentMinute.aggregate({ where: { incidentId: incident.id }, _sum: { count: true } });
    const signalBefore = await prisma.event.count({ where: { noise: false } });
    const noiseToday = await prisma.event.count({ where: { noise: true, occurredAt: { gte: new Date(today) } } });

    // Two days on, retention 14 and 3: yesterday's noise goes (both tables), and of the signal days only the one a month back.
    const first = await dropExpiredEvents(c, today + 2 * DAY, { signal: 14, noise: 3 });
    expect(first.find((d) => d.class === "signal")!.dropped).toEqual([
      `Event_signal_p${dayName(today - 30 * DAY)}`,
      `EventEntity_signal_p${dayName(today - 30 * DAY)}`,
    ]);
    expect(first.find((d) => d.class === "noise")!.dropped).toEqual([`Event_noise_p${dayName(today - DAY)}`, `EventEntity_noise_p${dayName(today - DAY)}`]);
    expect(await prisma.event.count({ where: { noise: false } })).toBe(signalBefore - 1);
    expect(await prisma.event.count({ where: { noise: true } })).toBe(noiseToday);

    // The same day, a signal retention of 7 days: the day five days back goes, yesterday and today stay.
    const signalKept = await prisma.event.count({ where: { noise: false, occurredAt: { gte: new Date(today - 4 * DAY) } } });
    const dropped = await dropExpiredEvents(c, today + 2 * DAY, { signal: 7, noise: 3 });
    expect(dropped.find((d) => d.class === "signal")!.dropped).toEqual([
      `Event_signal_p${dayName(today - 5 * DAY)}`,
      `EventEntity_signal_p${dayName(today - 5 * DAY)}`,
    ]);
    expect(dropped.find((d) => d.class === "noise")!.dropped).toEqual([]);
    expect(signalKept).toBeLessThan(signalBefore);
    expect(await prisma.event.count({ where: { noise: false } })).toBe(signalKept);
    expect(await prisma.event.count({ where: { occurredAt: { lt: new Date(today - 4 * DAY) } } })).toBe(0);
    // Entities last seen before the first day kept go too; those seen since stay.
    const stale = await prisma.entity.count({ where: { lastSeen: { lt: new Date(today - 4 * DAY) } } });
    expect(stale).toBeGreaterThan(0);
    const fresh = await prisma.entity.count({ where: { lastSeen: { gte: new Date(today - 4 * DAY) } } });
    expect(await pruneEntities(c, today + 2 * DAY, { signal: 7, noise: 3 })).toBe(stale);
    expect(await prisma.entity.count()).toBe(fresh);
    // Links went with their day: none is left without its event.
    expect((await c.query(`SELECT 1 FROM "EventEntity" x WHERE NOT EXISTS (SELECT 1 FROM "Event" e WHERE e.id = x."eventId")`)).rowCount).toBe(0);

    const kept = await prisma.incident.findUniqueOrThrow({ where: { id: incident.id } });
    expect(kept.count).toBe(incident.count);
    expect(await prisma.incidentMinute.aggregate({ where: { incidentId: incident.id }, _sum: { count: true } })).toEqual(minutesBefore);
    const detail = await getIncident(prisma, incident.id);
    expect(detail!.incident.count).toBe(incident.count);
    expect(detail!.eventsGone).toEqual({ keptFrom: new Date(today - 4 * DAY).toISOString(), days: 7 });

    const storage = await getEventStorage(prisma);
    const signal = storage.classes.find((x) => x.class === "signal")!;
    expect(signal.keptFrom).toBe(new Date(today - 4 * DAY).toISOString());
    expect(signal.droppedPartitions).toBe(2);
    expect(new Date(signal.oldestEvent!).getTime()).toBeGreaterThanOrEqual(today);
    expect(storage.events).toBe(await prisma.event.count());
    expect(storage.classes.find((x) => x.class === "signal")!.dayPartitions).toBe((await listDayPartitions(c, "Event_signal")).length);
    expect(storage.bytesPerEvent).toBeGreaterThan(0);
    expect(storage.databaseBytes).toBeGreaterThan(storage.eventBytes);

    // The writer saw the day a month back made; it was dropped since. Read again, its line is stored
    // again (a re-read is recognized while its events are kept): the writer makes the day anew.
    const odd = await logFile("odd-times.log", [today - 30 * DAY, today + 400 * DAY]);
    expect(await ingestLogFile(prisma, "parts-odd", odd, { writer, logLinePrefix: "%m [%p] " })).toMatchObject({ inserted: 1, duplicates: 2 });
  });

  it("an entity the retention pass deletes while a batch names it is stored anew: no link names a deleted entity", async () => {
    const line = (t: number, pid: number) =>
      `${stamp(t)} [${pid}] ERROR:  duplicate key value violates unique constraint "visit_session_uuid_key"\n${stamp(t)} [${pid}] DETAIL:  Key (session_uuid)=(u-race) already exists.\n`;
    const first = path.join(dir, "race-1.log");
    await writeFile(first, line(Date.now() - 5_000, 7001));
    expect((await ingestLogFile(prisma, "parts-race", first, { writer, logLinePrefix: "%m [%p] " })).inserted).toBe(1);
    // Not seen for a month: the retention pass's to delete.
    expect(
      await c.query(`UPDATE "Entity" SET "firstSeen" = now() - interval '31 days', "lastSeen" = now() - interval '30 days' WHERE value = 'u-race'`),
    ).toMatchObject({
      rowCount: 1,
    });
    const pruner = new pg.Client({ connectionString: url });
    await pruner.connect();
    try {
      // The pass has deleted it and not committed yet, when a batch naming it comes in.
      await pruner.query("BEGIN");
      expect(await pruneEntities(pruner, Date.now(), { signal: 14, noise: 3 })).toBeGreaterThanOrEqual(1);
      const second = path.join(dir, "race-2.log");
      await writeFile(second, line(Date.now(), 7002));
      let done = false;
      const ingest = ingestLogFile(prisma, "parts-race-2", second, { writer, logLinePrefix: "%m [%p] " }).finally(() => (done = true));
      await new Promise((r) => setTimeout(r, 500));
      expect(done).toBe(false); // it waits on the row the pass holds
      await pruner.query("COMMIT");
      expect((await ingest).inserted).toBe(1);
    } finally {
      await pruner.end();
    }
    const orphans = await c.query(`SELECT 1 FROM "EventEntity" x WHERE NOT EXISTS (SELECT 1 FROM "Entity" e WHERE e.id = x."entityId")`);
    expect(orphans.rowCount).toBe(0);
    const { rows } = await c.query<{ fresh: boolean; links: number }>(
      `SELECT e."lastSeen" > now() - interval '1 minute' AS fresh, (SELECT count(*)::int FROM "EventEntity" x WHERE x."entityId" = e.id) AS links
       FROM "Entity" e WHERE e.value = 'u-race'`,
    );
    expect(rows).toEqual([{ fresh: true, links: 1 }]);
  });
});
