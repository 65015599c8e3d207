import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it, inject } from "vitest";
import { writeGeneratedPgLog } from "@/scripts/bench/pg-log-generator";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { BulkEventWriter } from "./bulk-writer";
import { ingestLogFile } from "./ingest-file";
import { bulkStore } from "./ingest-pipeline";
import type { NormalizedEvent } from "./store-events";

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
});
