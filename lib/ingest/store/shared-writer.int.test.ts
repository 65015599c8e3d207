import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { ownPidsOn, SERVER_IDENTITY_COLUMNS, type ServerIdentityRow, toServerIdentity } from "../../postgres/own-backends";
import { disconnectPrisma, getPrisma } from "../../store/prisma";
import type { NormalizedEvent } from "../classify/normalized-event";
import { closeEventWriter, getEventWriter } from "./shared-writer";

afterAll(async () => {
  await closeEventWriter();
  await disconnectPrisma();
});

const run = Math.random().toString(36).slice(2, 8);
const event = (sourceId: number, i: number): NormalizedEvent => ({
  eventKey: `${sourceId}:shared-${run}:${String(i).padStart(12, "0")}`,
  occurredAt: new Date(),
  kind: "unclassified",
  severity: "info",
  message: `line ${i}`,
  title: "",
  fingerprint: "",
  raw: `line ${i}`,
  fields: {},
  entities: [],
});

describe("the process's shared writer (pushes, tailer, samplers)", () => {
  it("is one long-lived writer of two connections, registered as Lockboard's own", async () => {
    const a = await getEventWriter();
    expect(await getEventWriter()).toBe(a);
    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await c.connect();
    try {
      const { rows } = await c.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE application_name = 'lockboard-ingest-push' AND datname = current_database()`,
      );
      expect(rows).toHaveLength(2);
      const server = toServerIdentity((await c.query<ServerIdentityRow>(`SELECT ${SERVER_IDENTITY_COLUMNS}`)).rows[0]);
      expect(ownPidsOn(server)).toEqual(expect.arrayContaining(rows.map((r) => r.pid)));
    } finally {
      await c.end();
    }
  });

  it("outlives the store ending its connections (a restart): the next push is stored", async () => {
    const prisma = getPrisma();
    const source = await prisma.source.create({ data: { name: `shared-${run}`, kind: "log" } });
    const before = await getEventWriter();
    expect(await before.write(source.id, [event(source.id, 1)])).toMatchObject({ inserted: 1 });
    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await c.connect();
    await c
      .query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'lockboard-ingest-push' AND datname = current_database()`)
      .finally(() => c.end());
    await expect.poll(() => before.deadConnections, { timeout: 5_000 }).toBe(2);
    const after = await getEventWriter();
    expect(after).toBe(before);
    expect(await after.write(source.id, [event(source.id, 1), event(source.id, 2)])).toEqual({ inserted: 1, duplicates: 1, incidents: 0 });
  });
});
