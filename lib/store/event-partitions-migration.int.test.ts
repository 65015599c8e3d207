import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { applyMigrations, MIGRATIONS_DIR } from "./migrate";
import { ensureDatabase } from "./start-store";

// A store with events from before partitioning, migrated: every row in its class and day, links
// carrying their event's time and class, ids going on from the old sequence.
const PARTITIONING = "20261202000000_event_partitions";
const name = `event_partitions_mig_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const url = inject("embeddedUrl").replace(/\/postgres$/, `/${name}`);
let c: pg.Client;
let before: string;

beforeAll(async () => {
  before = await mkdtemp(path.join(tmpdir(), "lockboard-before-partitions-"));
  for (const m of await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
    if (m.isDirectory() && m.name < PARTITIONING) await cp(path.join(MIGRATIONS_DIR, m.name), path.join(before, m.name), { recursive: true });
  await ensureDatabase(inject("embeddedUrl"), name);
  await applyMigrations(url, before);
  c = new pg.Client({ connectionString: url });
  await c.connect();
});

afterAll(async () => {
  await c?.end();
  await rm(before, { recursive: true, force: true });
});

describe("migration 20261202000000_event_partitions on a store with events", () => {
  it("moves every event and link into its class and day, and the ids go on", async () => {
    const { rows: src } = await c.query<{ id: number }>(`INSERT INTO "Source" (name, kind, "updatedAt") VALUES ('old-store', 'log', now()) RETURNING id`);
    const { rows: inc } = await c.query<{ id: number }>(
      `INSERT INTO "Incident" (fingerprint, kind, title, "sourceId", "firstSeen", "lastSeen", count) VALUES ('f', 'deadlock', 'Deadlock', $1, now(), now(), 1) RETURNING id`,
      [src[0].id],
    );
    const { rows: ent } = await c.query<{ id: number }>(
      `INSERT INTO "Entity" (type, value, "firstSeen", "lastSeen") VALUES ('pid', '7', now(), now()) RETURNING id`,
    );
    const old = "2026-10-03T10:00:00.000Z";
    const { rows: ev } = await c.query<{ id: string; kind: string }>(
      `INSERT INTO "Event" ("eventKey","sourceId","occurredAt",kind,severity,message,fingerprint,raw,"incidentId")
       VALUES ('k1', $1, $2, 'deadlock', 'error', 'deadlock detected', 'f', 'l1', $3),
              ('k2', $1, $2, 'unparsed', 'info', 'x', 'u', 'l2', NULL),
              ('k3', $1, now(), 'unclassified', 'warning', 'y', 'w', 'l3', $3)
       RETURNING id::text, kind`,
      [src[0].id, old, inc[0].id],
    );
    await c.query(`INSERT INTO "EventEntity" ("eventId","entityId",role) SELECT unnest($1::bigint[]), $2, 'holder'`, [ev.map((e) => e.id), ent[0].id]);

    await applyMigrations(url);
    const placed = await c.query<{ key: string; part: string; noise: boolean }>(
      `SELECT "eventKey" AS key, tableoid::regclass::text AS part, noise FROM "Event" ORDER BY 1`,
    );
    const today = new Date().toISOString().slice(0, 10).replace(/-/g, "");
    expect(placed.rows).toEqual([
      { key: "k1", part: `"Event_signal_p20261003"`, noise: false },
      { key: "k2", part: `"Event_noise_p20261003"`, noise: true },
      // Unclassified but opening an incident (a warning): kept as long as the events it sits among.
      { key: "k3", part: `"Event_signal_p${today}"`, noise: false },
    ]);
    const links = await c.query<{ part: string; same: boolean }>(
      `SELECT x.tableoid::regclass::text AS part, x."occurredAt" = e."occurredAt" AND x.noise = e.noise AS same
       FROM "EventEntity" x JOIN "Event" e ON e.id = x."eventId" ORDER BY e."eventKey"`,
    );
    expect(links.rows).toEqual([
      { part: `"EventEntity_signal_p20261003"`, same: true },
      { part: `"EventEntity_noise_p20261003"`, same: true },
      { part: `"EventEntity_signal_p${today}"`, same: true },
    ]);
    const next = await c.query<{ id: string }>(
      `INSERT INTO "Event" ("eventKey","sourceId","occurredAt",kind,severity,message,fingerprint,raw) VALUES ('k4', $1, now(), 'deadlock', 'error', 'm', 'f', 'l4') RETURNING id::text`,
      [src[0].id],
    );
    expect(BigInt(next.rows[0].id)).toBeGreaterThan(BigInt(ev[2].id));
    // The delete trigger came back on the new table: a deleted event takes its links.
    await c.query(`DELETE FROM "Event" WHERE "eventKey" = 'k1'`);
    expect((await c.query(`SELECT 1 FROM "EventEntity"`)).rowCount).toBe(2);
  });
});
