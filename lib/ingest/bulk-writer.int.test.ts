import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it, inject } from "vitest";
import { writeGeneratedPgLog } from "@/scripts/bench/pg-log-generator";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { BulkEventWriter } from "./bulk-writer";
import { ingestLogFile } from "./ingest-file";
import { getCheckpoint } from "./checkpoints";
import { bulkStore } from "./ingest-pipeline";
import { type NormalizedEvent, storeEvents } from "./store-events";

const run = Math.random().toString(36).slice(2, 8);
const dir = await mkdtemp(path.join(tmpdir(), "lockboard-bulk-"));
const file = path.join(dir, "postgresql.log");
await writeGeneratedPgLog(file, 5_000);

afterAll(async () => {
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
    incidents.set(`${i.kind}|${i.title}`, { count: i.count, minutes: i.minutes.reduce((n, m) => n + m.count, 0), firstSeen: i.firstSeen.toISOString(), lastSeen: i.lastSeen.toISOString() });
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

describe("the bulk writer (COPY straight into Event)", () => {
  it("stores exactly what the Prisma path stores, in read order, and a second run adds nothing", async () => {
    const prisma = getPrisma();
    const viaPrisma = await ingestLogFile(prisma, `bulk-prisma-${run}`, file);
    const writer = await BulkEventWriter.open();
    try {
      const viaCopy = await ingestLogFile(prisma, `bulk-copy-${run}`, file, { store: bulkStore(writer), batchSize: 700 });
      expect(viaCopy.inserted).toBe(viaPrisma.inserted);
      expect(viaCopy.incidents).toBe(viaPrisma.incidents);
      const a = await contents(`bulk-prisma-${run}`);
      const b = await contents(`bulk-copy-${run}`);
      expect(b.events.length).toBe(viaPrisma.inserted);
      expect(b).toEqual(a);
      expect(b.events.map((e) => e.offset)).toEqual([...b.events.map((e) => e.offset)].sort());
      expect(Object.values(b.incidents).every((i) => i.minutes === i.count)).toBe(true);

      const again = await ingestLogFile(prisma, `bulk-copy-${run}`, file, { store: bulkStore(writer), batchSize: 700 });
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
    // Another session inserts event 1 without the writer lock and commits while the COPY waits on it.
    const other = new pg.Client({ connectionString: inject("databaseUrl") });
    await other.connect();
    const writer = await BulkEventWriter.open();
    try {
      await other.query("BEGIN");
      await other.query(`INSERT INTO "Event" ("eventKey","sourceId","occurredAt","kind","severity","message","fingerprint","raw") VALUES ($1, $2, $3, 'deadlock', 'error', 'deadlock detected', $4, 'line 1')`, [events[1].eventKey, source.id, at, events[1].fingerprint]);
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

  it("stores awkward text exactly as the Prisma path does: NUL, lone surrogates, tabs, backslashes, non-ASCII, bigints", async () => {
    const prisma = getPrisma();
    const awkward = ["tab\there", "back\\slash \\N", "new\nline\r\n", "nul\u0000byte", "lone \ud800 high", "lone \udc00 low", "ünïcødé ✓ 🦀", "x".repeat(70_000), ""];
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
    const [a, b] = await Promise.all([`awkward-prisma-${run}`, `awkward-copy-${run}`].map((name) => prisma.source.create({ data: { name, kind: "log" } })));
    await storeEvents(prisma, a.id, build(a.id));
    const writer = await BulkEventWriter.open();
    try {
      expect((await writer.write(b.id, build(b.id))).inserted).toBe(awkward.length);
    } finally {
      await writer.close();
    }
    const stored = async (sourceId: number) =>
      (await prisma.event.findMany({ where: { sourceId }, orderBy: { eventKey: "asc" }, include: { entities: { include: { entity: true } } } })).map((e) => ({
        at: e.occurredAt.toISOString(), kind: e.kind, message: e.message, raw: e.raw, fields: e.fields, opens: e.incidentId !== null,
        entities: e.entities.map((l) => `${l.entity.type}=${l.entity.value}/${l.role}`),
      }));
    const viaCopy = await stored(b.id);
    expect(viaCopy).toEqual(await stored(a.id));
    expect(viaCopy[3].message).toBe("nul\ufffdbyte");
    expect(viaCopy[4].message).toBe("lone \ufffd high");
    expect(viaCopy[6].message).toBe("ünïcødé ✓ 🦀");
    expect(viaCopy[7].raw.length).toBe(70_004);
    expect(viaCopy[0].entities).toEqual(["key=tab\there/tab\trole"]);
  });

  it("refuses a batch for a source that does not exist, and a deleted source takes its events and their links", async () => {
    const prisma = getPrisma();
    const source = await prisma.source.create({ data: { name: `bulk-gone-${run}`, kind: "log" } });
    const event = (sourceId: number, i: number): NormalizedEvent => ({
      eventKey: `${sourceId}:gone-${run}:00000000000${i}`, occurredAt: new Date(), kind: "deadlock", severity: "error", message: "deadlock detected",
      title: "Deadlock", fingerprint: `deadlock:gone-${run}`, raw: "x", fields: {}, entities: [{ type: "pid", value: `gone-${run}` }],
    });
    const writer = await BulkEventWriter.open();
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
      expect((await prisma.event.findUniqueOrThrow({ where: { id: kept.id } })).incidentId).toBeNull();
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
        eventKey: `${source.id}:lanes-${run}:${String(from + i).padStart(12, "0")}`, occurredAt: new Date(), kind: "deadlock", severity: "error",
        // Each batch its own incident and entities: a batch waits on rows another is creating.
        message: "deadlock detected", title: "Deadlock", fingerprint: `deadlock:lanes-${run}-${from}`, raw: `line ${from + i}`, fields: {}, entities: [{ type: "pid", value: `${run}-${from + i}` }],
      }));
    const first = batch(0);
    const second = batch(100);
    const stream = `/var/log/lanes-${run}.log`;
    // Another session holds back the first batch: its COPY waits on an uncommitted row with one of its keys.
    const other = new pg.Client({ connectionString: inject("databaseUrl") });
    await other.connect();
    const writer = await BulkEventWriter.open(undefined, 2);
    try {
      await other.query("BEGIN");
      await other.query(`INSERT INTO "Event" ("eventKey","sourceId","occurredAt","kind","severity","message","fingerprint","raw") VALUES ($1, $2, now(), 'deadlock', 'error', 'deadlock detected', 'x', 'line 1')`, [first[1].eventKey, source.id]);
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
