import pg from "pg";
import { afterAll, describe, expect, it, inject } from "vitest";
import { applyMigrations } from "../../store/migrate";
import { disconnectPrisma, getPrisma } from "../../store/prisma";
import { EventWriter } from "./event-writer";
import type { NormalizedEvent } from "../classify/normalized-event";

const run = Math.random().toString(36).slice(2, 8);

afterAll(disconnectPrisma);

describe("the event writer and keys already stored", () => {
  it("a batch part of which is stored (a resumed read, or the file read before with other options), or out of key order, inserts, links and counts only its new rows", async () => {
    const prisma = getPrisma();
    const source = await prisma.source.create({ data: { name: `bulk-partial-${run}`, kind: "log" } });
    const at = Date.parse("2026-11-23T04:00:30.000Z");
    const event = (i: number): NormalizedEvent => ({
      eventKey: `${source.id}:partial-${run}:${String(i).padStart(12, "0")}`,
      // Two minutes apart: each event its own minute of the incident.
      occurredAt: new Date(at + i * 120_000),
      kind: "duplicate_key",
      severity: "error",
      message: "duplicate key value violates unique constraint",
      title: "Duplicate key",
      fingerprint: `dup:partial-${run}`,
      raw: `line ${i}`,
      fields: { i },
      entities: [
        { type: "session_uuid", value: `partial-${run}-${i}` },
        { type: "pid", value: `partial-${run}`, role: "holder" },
      ],
    });
    const writer = await EventWriter.open({ commit: "relaxed" });
    try {
      expect(await writer.write(source.id, [event(1)])).toEqual({ inserted: 1, duplicates: 0, incidents: 1 });
      expect(await writer.write(source.id, [event(0), event(1), event(2)])).toEqual({ inserted: 2, duplicates: 1, incidents: 1 });
      expect(await writer.write(source.id, [event(4), event(3), event(1)])).toEqual({ inserted: 2, duplicates: 1, incidents: 1 });
      // As many stored keys in the batch's key range as the batch has rows, but not all of them its own.
      expect(await writer.write(source.id, [event(5), event(6), event(8)])).toEqual({ inserted: 3, duplicates: 0, incidents: 1 });
      expect(await writer.write(source.id, [event(5), event(7), event(8)])).toEqual({ inserted: 1, duplicates: 2, incidents: 1 });
    } finally {
      await writer.close();
    }
    const events = await prisma.event.findMany({
      where: { sourceId: source.id },
      orderBy: { eventKey: "asc" },
      include: { entities: { include: { entity: true } } },
    });
    expect(events.map((e) => e.raw)).toEqual(["line 0", "line 1", "line 2", "line 3", "line 4", "line 5", "line 6", "line 7", "line 8"]);
    for (const [i, e] of events.entries())
      expect(e.entities.map((l) => `${l.entity.type}=${l.entity.value}/${l.role}`).sort()).toEqual([
        `pid=partial-${run}/holder`,
        `session_uuid=partial-${run}-${i}/null`,
      ]);
    const incident = await prisma.incident.findUniqueOrThrow({
      where: { fingerprint: `dup:partial-${run}` },
      include: { minutes: { orderBy: { minute: "asc" } } },
    });
    expect(incident.count).toBe(9);
    expect(incident.minutes.map((m) => m.count)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect([incident.firstSeen.getTime(), incident.lastSeen.getTime()]).toEqual([at, at + 8 * 120_000]);
    expect(events.every((e) => e.incidentId === incident.id)).toBe(true);
    const pid = await prisma.entity.findUniqueOrThrow({ where: { type_value: { type: "pid", value: `partial-${run}` } } });
    expect([pid.firstSeen.getTime(), pid.lastSeen.getTime()]).toEqual([at, at + 8 * 120_000]);
  });

  it("in a store whose keys do not compare bytewise, finds stored keys one by one and still skips them", async () => {
    // A database collated C.UTF-8 (not C): a key range scan could miss keys, so the writer keeps the batch's keys.
    const name = `lockboard_utf8_${run}`;
    const admin = new pg.Client({ connectionString: inject("embeddedUrl") });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'`);
    await admin.end();
    const url = inject("embeddedUrl").replace(/\/[^/?]*(\?|$)/, `/${name}$1`);
    await applyMigrations(url);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const writer = await EventWriter.open({ databaseUrl: url, commit: "relaxed" });
    try {
      const { rows } = await c.query<{ id: number }>(`INSERT INTO "Source" (name, kind, "updatedAt") VALUES ('utf8', 'log', now()) RETURNING id`);
      const sourceId = rows[0].id;
      const event = (i: number): NormalizedEvent => ({
        eventKey: `${sourceId}:utf8:${String(i).padStart(12, "0")}`,
        occurredAt: new Date(Date.UTC(2026, 10, 23, 4, 0, i)),
        kind: "deadlock",
        severity: "error",
        message: "deadlock detected",
        title: "Deadlock",
        fingerprint: "deadlock:utf8",
        raw: `line ${i}`,
        fields: {},
        entities: [{ type: "pid", value: String(i) }],
      });
      expect(writer.batch(sourceId).keys).not.toBeNull();
      expect(await writer.write(sourceId, [event(0), event(1)])).toEqual({ inserted: 2, duplicates: 0, incidents: 1 });
      expect(await writer.write(sourceId, [event(0), event(1)])).toEqual({ inserted: 0, duplicates: 2, incidents: 0 });
      expect(await writer.write(sourceId, [event(1), event(2)])).toEqual({ inserted: 1, duplicates: 1, incidents: 1 });
      const counts = await c.query(
        `SELECT (SELECT count(*)::int FROM "Event") AS events, (SELECT count(*)::int FROM "EventEntity") AS links, (SELECT "count" FROM "Incident") AS incident`,
      );
      expect(counts.rows[0]).toEqual({ events: 3, links: 3, incident: 3 });
    } finally {
      await writer.close();
      await c.end();
    }
  });

  it("writes a batch once: its row buffer serves a later batch after", async () => {
    const prisma = getPrisma();
    const source = await prisma.source.create({ data: { name: `bulk-once-${run}`, kind: "log" } });
    const writer = await EventWriter.open({ commit: "relaxed" });
    try {
      const batch = writer.batch(source.id);
      batch.add({
        eventKey: `${source.id}:once-${run}:000000000000`,
        occurredAt: new Date(),
        kind: "unclassified",
        severity: "info",
        message: "m",
        title: "",
        fingerprint: "",
        raw: "m",
        fields: {},
        entities: [],
      });
      expect(await writer.write(source.id, batch)).toEqual({ inserted: 1, duplicates: 0, incidents: 0 });
      await expect(writer.write(source.id, batch)).rejects.toThrow(/written once/);
      await expect(writer.write(source.id + 1, writer.batch(source.id))).rejects.toThrow(/handed in for source/);
    } finally {
      await writer.close();
    }
  });
});
