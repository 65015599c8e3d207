import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it, inject } from "vitest";
import { writeGeneratedPgLog } from "@/scripts/bench/pg-log-generator";
import { disconnectPrisma, getPrisma } from "../../store/prisma";
import { EventWriter } from "./event-writer";
import { ingestLogFile } from "../ingest-file";
import { getCheckpoint } from "./checkpoints";
import { closeEventWriter, getEventWriter } from "./shared-writer";
import type { NormalizedEvent } from "../classify/normalized-event";

const run = Math.random().toString(36).slice(2, 8);
const dir = await mkdtemp(path.join(tmpdir(), "lockboard-bulk-"));
const file = path.join(dir, "postgresql.log");
await writeGeneratedPgLog(file, 5_000);

afterAll(async () => {
  await closeEventWriter();
  await disconnectPrisma();
  await rm(dir, { recursive: true, force: true });
});

/** What a source holds, in terms that do not depend on its id (fingerprints are scoped by source name). */
async function contents(sourceName: string) {
  const prisma = getPrisma();
  const source = await prisma.source.findUniqueOrThrow({ where: { name: sourceName } });
  const events = await prisma.event.findMany({
    where: { sourceId: source.id },
    orderBy: { id: "asc" },
    include: { incident: { include: { minutes: true } }, entities: { include: { entity: true } } },
  });
  const incidents = new Map<string, { count: number; minutes: number; firstSeen: string; lastSeen: string }>();
  for (const e of events) {
    if (!e.incident) continue;
    const i = e.incident;
    incidents.set(`${i.kind}|${i.title}`, {
      count: i.count,
      minutes: i.minutes.reduce((n, m) => n + m.count, 0),
      firstSeen: i.firstSeen.toISOString(),
      lastSeen: i.lastSeen.toISOString(),
    });
  }
  return {
    events: events.map((e) => ({
      offset: e.eventKey.split(":").at(-1),
      at: e.occurredAt.toISOString(),
      kind: e.kind,
      severity: e.severity,
      message: e.message,
      raw: e.raw,
      fields: e.fields,
      opens: e.incidentId !== null,
      entities: e.entities.map((l) => `${l.entity.type}=${l.entity.value}/${l.role}`).sort(),
    })),
    incidents: Object.fromEntries([...incidents].sort()),
  };
}

describe("the event writer (COPY straight into Event)", () => {
  it("stores the same rows whatever the batch size and commit mode, in read order, and a second run adds nothing", async () => {
    const prisma = getPrisma();
    // The shared writer (synchronous commits) in one batch, against the CLI's (relaxed) in batches of 700.
    const viaShared = await ingestLogFile(prisma, `bulk-shared-${run}`, file);
    const writer = await EventWriter.open({ commit: "relaxed" });
    try {
      const viaCopy = await ingestLogFile(prisma, `bulk-copy-${run}`, file, { writer, batchSize: 700 });
      expect(viaCopy.inserted).toBe(viaShared.inserted);
      expect(viaCopy.incidents).toBe(viaShared.incidents);
      const a = await contents(`bulk-shared-${run}`);
      const b = await contents(`bulk-copy-${run}`);
      expect(b.events.length).toBe(viaShared.inserted);
      expect(b).toEqual(a);
      expect(b.events.map((e) => e.offset)).toEqual([...b.events.map((e) => e.offset)].sort());
      expect(Object.values(b.incidents).every((i) => i.minutes === i.count)).toBe(true);

      const again = await ingestLogFile(prisma, `bulk-copy-${run}`, file, { writer, batchSize: 700 });
      expect(again.inserted).toBe(0);
      expect(again.duplicates).toBe(viaCopy.inserted);
      expect(await contents(`bulk-copy-${run}`)).toEqual(b);
    } finally {
      await writer.close();
    }
  });

  it("falls back to the staged insert when a key it did not see is committed meanwhile, counting it once", async () => {
    const prisma = getPrisma();
    const source = await prisma.source.create({ data: { name: `bulk-race-${run}`, kind: "log" } });
    const at = new Date("2026-11-23T04:00:00.000Z");
    const events: NormalizedEvent[] = [0, 1, 2].map((i) => ({
      eventKey: `${source.id}:race-${run}:00000000000${i}`,
      occurredAt: new Date(at.getTime() + i),
      kind: "deadlock",
      severity: "error",
      message: "deadlock detected",
      title: "Deadlock",
      fingerprint: `deadlock:race-${run}`,
      opensIncident: true,
      raw: `line ${i}`,
      fields: { pid: i },
      entities: [{ type: "pid", value: String(100 + i), role: "deadlock" }],
    }));
    // Another session inserts event 1 (the same line: the same key and time) without the writer lock and commits while the COPY waits on it.
    const other = new pg.Client({ connectionString: inject("databaseUrl") });
    await other.connect();
    const writer = await EventWriter.open({ commit: "relaxed" });
    try {
      await other.query("BEGIN");
      await other.query(
        `INSERT INTO "Event" ("eventKey","sourceId","occurredAt","kind","severity","message","fingerprint","raw") VALUES ($1, $2, $3, 'deadlock', 'error', 'deadlock detected', $4, 'line 1')`,
        [events[1].eventKey, source.id, events[1].occurredAt, events[1].fingerprint],
      );
      const writing = writer.write(source.id, events);
      await new Promise((r) => setTimeout(r, 500));
      await other.query("COMMIT");
      const res = await writing;
      expect(res).toEqual({ inserted: 2, duplicates: 1, incidents: 1 });
      const stored = await prisma.event.findMany({ where: { sourceId: source.id }, orderBy: { eventKey: "asc" } });
      expect(stored.map((e) => e.raw)).toEqual(["line 0", "line 1", "line 2"]);
      const incident = await prisma.incident.findUniqueOrThrow({ where: { fingerprint: events[0].fingerprint } });
      expect(incident.count).toBe(2);
      expect(await writer.write(source.id, events)).toEqual({ inserted: 0, duplicates: 3, incidents: 0 });
      expect((await prisma.incident.findUniqueOrThrow({ where: { id: incident.id } })).count).toBe(2);
    } finally {
      await other.end();
      await writer.close();
    }
  });

  it("stores awkward text as jsonb and text accept it: NUL, lone surrogates, tabs, backslashes, non-ASCII, bigints", async () => {
    const prisma = getPrisma();
    const awkward = [
      "tab\there",
      "back\\slash \\N",
      "new\nline\r\n",
      "nul\u0000byte",
      "lone \ud800 high",
      "lone \udc00 low",
      "ünïcødé ✓ 🦀",
      "x".repeat(70_000),
      "",
    ];
    const build = (sourceId: number): NormalizedEvent[] =>
      awkward.map((text, i) => ({
        eventKey: `${sourceId}:awkward-${run}:00000000000${i}`,
        occurredAt: new Date(Date.UTC(1970 + i * 40, 0, 1, 0, 0, 0, 123)),
        kind: i % 2 ? "unclassified" : "deadlock",
        severity: i % 2 ? "info" : "error",
        message: text,
        title: i % 2 ? "" : `Deadlock ${text.slice(0, 20)}`,
        fingerprint: i % 2 ? "" : `deadlock:awkward-${run}`,
        raw: `raw ${text}`,
        fields: { text, n: i, big: 9007199254740993n, nested: { text } },
        entities: i % 2 ? [] : [{ type: "key", value: text.slice(0, 100), role: i === 0 ? "tab\trole" : undefined }],
      }));
    const b = await prisma.source.create({ data: { name: `awkward-copy-${run}`, kind: "log" } });
    const writer = await EventWriter.open({ commit: "relaxed" });
    try {
      expect((await writer.write(b.id, build(b.id))).inserted).toBe(awkward.length);
    } finally {
      await writer.close();
    }
    const stored = async (sourceId: number) =>
      (await prisma.event.findMany({ where: { sourceId }, orderBy: { eventKey: "asc" }, include: { entities: { include: { entity: true } } } })).map((e) => ({
        at: e.occurredAt.toISOString(),
        kind: e.kind,
        message: e.message,
        raw: e.raw,
        fields: e.fields,
        opens: e.incidentId !== null,
        entities: e.entities.map((l) => `${l.entity.type}=${l.entity.value}/${l.role}`),
      }));
    const viaCopy = await stored(b.id);
    expect(viaCopy.map((e) => e.opens)).toEqual(awkward.map((_, i) => i % 2 === 0));
    // Times past a week ahead are a broken clock: kept at the time they were read, with the time they gave.
    const thisYear = new Date().toISOString().slice(0, 4);
    expect(viaCopy.map((e) => e.at.slice(0, 4))).toEqual(awkward.map((_, i) => (1970 + i * 40 > Number(thisYear) ? thisYear : String(1970 + i * 40))));
    expect(viaCopy.map((e) => (e.fields as { timeOutOfRange?: string }).timeOutOfRange?.slice(0, 4) ?? null)).toEqual(
      awkward.map((_, i) => (1970 + i * 40 > Number(thisYear) ? String(1970 + i * 40) : null)),
    );
    expect(viaCopy[0].fields).toEqual({ text: "tab\there", n: 0, big: "9007199254740993", nested: { text: "tab\there" } });
    expect(viaCopy[1].fields).toEqual({ text: "back\\slash \\N", n: 1, big: "9007199254740993", nested: { text: "back\\slash \\N" } });
    expect((viaCopy[3].fields as { nested: { text: string } }).nested.text).toBe("nul\ufffdbyte");
    expect((viaCopy[5].fields as { text: string }).text).toBe("lone \ufffd low");
    expect(viaCopy[1].message).toBe("back\\slash \\N");
    expect(viaCopy[2].message).toBe("new\nline\r\n");
    expect(viaCopy[8].message).toBe("");
    expect(viaCopy[3].message).toBe("nul\ufffdbyte");
    expect(viaCopy[4].message).toBe("lone \ufffd high");
    expect(viaCopy[6].message).toBe("ünïcødé ✓ 🦀");
    expect(viaCopy[7].raw.length).toBe(70_004);
    expect(viaCopy[0].entities).toEqual(["key=tab\there/tab\trole"]);
  });

  it("links an entity once per event, with the first role it names (also when two values store as one text)", async () => {
    const prisma = getPrisma();
    const source = await prisma.source.create({ data: { name: `bulk-roles-${run}`, kind: "log" } });
    const writer = await getEventWriter();
    const event: NormalizedEvent = {
      eventKey: `${source.id}:roles-${run}:000000000001`,
      occurredAt: new Date("2026-11-23T04:00:00Z"),
      kind: "lock_wait",
      severity: "info",
      message: "lock wait",
      title: "Lock wait",
      fingerprint: `lock_wait:roles-${run}`,
      raw: "x",
      fields: {},
      entities: [
        { type: "pid", value: `r${run}`, role: "holder" },
        { type: "pid", value: `r${run}`, role: "waiter" },
        { type: "key", value: `k${run}\u0000` },
        { type: "key", value: `k${run}\ufffd`, role: "second" },
      ],
    };
    expect(await writer.write(source.id, [event])).toEqual({ inserted: 1, duplicates: 0, incidents: 1 });
    const links = await prisma.eventEntity.findMany({ where: { event: { sourceId: source.id } }, include: { entity: true } });
    expect(links.map((l) => `${l.entity.type}=${l.entity.value}/${l.role}`).sort()).toEqual([`key=k${run}\ufffd/null`, `pid=r${run}/holder`]);
  });

  it("refuses a batch for a source that does not exist, and a deleted source takes its events and their links", async () => {
    const prisma = getPrisma();
    const source = await prisma.source.create({ data: { name: `bulk-gone-${run}`, kind: "log" } });
    const event = (sourceId: number, i: number): NormalizedEvent => ({
      eventKey: `${sourceId}:gone-${run}:00000000000${i}`,
      occurredAt: new Date(),
      kind: "deadlock",
      severity: "error",
      message: "deadlock detected",
      title: "Deadlock",
      fingerprint: `deadlock:gone-${run}`,
      raw: "x",
      fields: {},
      entities: [{ type: "pid", value: `gone-${run}` }],
    });
    const writer = await EventWriter.open({ commit: "relaxed" });
    try {
      await writer.write(source.id, [event(source.id, 1)]);
      const stored = await prisma.event.findFirstOrThrow({ where: { sourceId: source.id } });
      const incidentId = stored.incidentId!;
      await prisma.source.delete({ where: { id: source.id } });
      expect(await prisma.event.count({ where: { sourceId: source.id } })).toBe(0);
      expect(await prisma.eventEntity.count({ where: { eventId: stored.id } })).toBe(0);
      await expect(writer.write(source.id, [event(source.id, 2)])).rejects.toThrow(/does not exist/);
      expect(await prisma.event.count({ where: { sourceId: source.id } })).toBe(0);
      // The incident outlives its source (sourceId set null), and deleting it unassigns its events.
      const other = await prisma.source.create({ data: { name: `bulk-kept-${run}`, kind: "log" } });
      await writer.write(other.id, [event(other.id, 3)]);
      const kept = await prisma.event.findFirstOrThrow({ where: { sourceId: other.id } });
      expect(kept.incidentId).toBe(incidentId);
      await prisma.incident.delete({ where: { id: incidentId } });
      expect((await prisma.event.findFirstOrThrow({ where: { id: kept.id } })).incidentId).toBeNull();
      const entity = await prisma.entity.findUniqueOrThrow({ where: { type_value: { type: "pid", value: `gone-${run}` } } });
      await prisma.entity.delete({ where: { id: entity.id } });
      expect(await prisma.eventEntity.count({ where: { eventId: kept.id } })).toBe(0);
    } finally {
      await writer.close();
    }
  });

  it("writes two batches at once, and saves a checkpoint only when every batch before it has committed", async () => {
    const prisma = getPrisma();
    const source = await prisma.source.create({ data: { name: `bulk-lanes-${run}`, kind: "log" } });
    const batch = (from: number): NormalizedEvent[] =>
      [0, 1, 2].map((i) => ({
        eventKey: `${source.id}:lanes-${run}:${String(from + i).padStart(12, "0")}`,
        occurredAt: new Date(),
        kind: "deadlock",
        severity: "error",
        // Each batch its own incident and entities: a batch waits on rows another is creating.
        message: "deadlock detected",
        title: "Deadlock",
        fingerprint: `deadlock:lanes-${run}-${from}`,
        raw: `line ${from + i}`,
        fields: {},
        entities: [{ type: "pid", value: `${run}-${from + i}` }],
      }));
    const first = batch(0);
    const second = batch(100);
    const stream = `/var/log/lanes-${run}.log`;
    // Another session holds back the first batch: its COPY waits on an uncommitted row with one of its keys.
    const other = new pg.Client({ connectionString: inject("databaseUrl") });
    await other.connect();
    const writer = await EventWriter.open({ commit: "relaxed", connections: 2 });
    try {
      await other.query("BEGIN");
      await other.query(
        `INSERT INTO "Event" ("eventKey","sourceId","occurredAt","kind","severity","message","fingerprint","raw") VALUES ($1, $2, $3, 'deadlock', 'error', 'deadlock detected', 'x', 'line 1')`,
        [first[1].eventKey, source.id, first[1].occurredAt],
      );
      const a = writer.write(source.id, first, { stream, fileId: "f", offset: 300 });
      const b = writer.write(source.id, second, { stream, fileId: "f", offset: 600 });
      expect(await b).toEqual({ inserted: 3, duplicates: 0, incidents: 1 });
      // The second batch is stored, but the checkpoint must not pass the first, still unwritten.
      expect(await prisma.event.count({ where: { sourceId: source.id } })).toBe(3);
      expect(await getCheckpoint(prisma, source.id, stream)).toBeNull();
      await other.query("COMMIT");
      expect(await a).toEqual({ inserted: 2, duplicates: 1, incidents: 1 });
      expect((await getCheckpoint(prisma, source.id, stream))?.offset).toBe(600);
      const stored = await prisma.event.findMany({ where: { sourceId: source.id }, orderBy: { eventKey: "asc" } });
      expect(stored.map((e) => e.raw)).toEqual(["line 0", "line 1", "line 2", "line 100", "line 101", "line 102"]);
      expect((await prisma.incident.findUniqueOrThrow({ where: { fingerprint: `deadlock:lanes-${run}-0` } })).count).toBe(2);
      expect((await prisma.incident.findUniqueOrThrow({ where: { fingerprint: `deadlock:lanes-${run}-100` } })).count).toBe(3);
    } finally {
      await other.end();
      await writer.close();
    }
  });
});
