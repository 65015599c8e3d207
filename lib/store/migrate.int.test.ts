import { inject, describe, it, expect, afterAll } from "vitest";
import pg from "pg";
import { applyMigrations, listMigrationFiles, listPendingMigrations } from "./migrate";
import { ensureDatabase } from "./start-store";
import { disconnectPrisma, getPrisma } from "./prisma";

afterAll(disconnectPrisma);

describe("migrations", () => {
  it("records every migration in _prisma_migrations the way prisma migrate deploy does", async () => {
    const client = new pg.Client({ connectionString: inject("databaseUrl") });
    await client.connect();
    try {
      const files = await listMigrationFiles();
      const rows = await client.query(`SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`);
      expect(rows.rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
      expect(rows.rows.map((r) => r.checksum)).toEqual(files.map((f) => f.checksum));
      expect(rows.rows.every((r) => r.finished_at && r.applied_steps_count === 1)).toBe(true);
      expect(await listPendingMigrations(client)).toEqual([]);
    } finally {
      await client.end();
    }
  });

  it("is idempotent and safe when two deploys race", async () => {
    const url = inject("embeddedUrl").replace(/\/postgres$/, "/lockboard_race");
    await ensureDatabase(inject("embeddedUrl"), "lockboard_race");
    const [a, b] = await Promise.all([applyMigrations(url), applyMigrations(url)]);
    const files = await listMigrationFiles();
    expect([...a, ...b].sort()).toEqual(files.map((f) => f.name).sort());
    expect(await applyMigrations(url)).toEqual([]);
  });
});

describe("the migrated database matches schema.prisma", () => {
  it("round-trips every model through the generated client", async () => {
    const prisma = getPrisma();
    const at = new Date("2026-11-23T04:00:00.123Z");
    const source = await prisma.source.create({
      data: {
        name: `rt-${Date.now()}`,
        kind: "postgres",
        urlEncrypted: "enc",
        config: { a: 1 },
        demo: true,
        healthStatus: "up",
        healthError: "x",
        lastCheckedAt: at,
        downSince: at,
      },
    });
    expect(await prisma.source.findUniqueOrThrow({ where: { id: source.id } })).toEqual(source);

    const incident = await prisma.incident.create({
      data: {
        fingerprint: `fp-${source.id}`,
        kind: "duplicate_key",
        title: "t",
        sourceId: source.id,
        firstSeen: at,
        lastSeen: at,
        count: 2,
        status: "acknowledged",
        regression: true,
        statusChangedBy: "op",
        statusChangedAt: at,
      },
    });
    expect(await prisma.incident.findUniqueOrThrow({ where: { id: incident.id } })).toEqual(incident);

    const event = await prisma.event.create({
      data: {
        eventKey: `k-${source.id}`,
        sourceId: source.id,
        occurredAt: at,
        kind: "duplicate_key",
        severity: "error",
        message: "m",
        fingerprint: "f",
        raw: "r",
        fields: { pid: 1 },
        incidentId: incident.id,
      },
    });
    expect(await prisma.event.findUniqueOrThrow({ where: { id_occurredAt_noise: { id: event.id, occurredAt: at, noise: false } } })).toEqual(event);
    expect(typeof event.id).toBe("bigint");

    const entity = await prisma.entity.create({ data: { type: "messageId", value: `m-${source.id}`, firstSeen: at, lastSeen: at } });
    const link = await prisma.eventEntity.create({ data: { eventId: event.id, entityId: entity.id, role: "key", occurredAt: at } });
    expect(
      await prisma.eventEntity.findUniqueOrThrow({
        where: { eventId_entityId_occurredAt_noise: { eventId: event.id, entityId: entity.id, occurredAt: at, noise: false } },
      }),
    ).toEqual(link);
    expect(await prisma.entity.findUniqueOrThrow({ where: { type_value: { type: "messageId", value: entity.value } } })).toEqual(entity);

    const fw = await prisma.failedWrite.create({
      data: {
        sourceId: source.id,
        namespace: "LibreChat.messages",
        operation: "insert",
        idempotencyKey: { messageId: "a" },
        keyHash: "h",
        payload: { text: "hi" },
        error: "E11000",
        errorKind: "duplicate_key",
        status: "pending",
        attempts: 1,
        leaseOwner: "w1",
        leaseUntil: at,
        nextAttemptAt: at,
        lastError: "e",
        occurredAt: at,
        origin: "ndjson",
        captureKey: `ck-${source.id}`,
        context: { retries: 1 },
        outcomeDetail: { diff: [] },
        resolvedAt: at,
      },
    });
    expect(await prisma.failedWrite.findUniqueOrThrow({ where: { id: fw.id } })).toEqual(fw);

    const attempt = await prisma.failedWriteAttempt.create({
      data: {
        failedWriteId: fw.id,
        attempt: 1,
        replayRunId: 7,
        worker: "w1",
        startedAt: at,
        finishedAt: at,
        outcome: "conflict",
        error: "e",
        detail: { diff: [] },
      },
    });
    expect(await prisma.failedWriteAttempt.findUniqueOrThrow({ where: { id: attempt.id } })).toEqual(attempt);
    const run = await prisma.replayRun.create({
      data: {
        actor: "op",
        reason: "r",
        selection: { ids: [fw.id] },
        total: 1,
        processed: 1,
        batchSize: 10,
        ratePerSec: 5,
        status: "done",
        startedAt: at,
        finishedAt: at,
        error: "x",
      },
    });
    expect(await prisma.replayRun.findUniqueOrThrow({ where: { id: run.id } })).toEqual(run);
    const item = await prisma.replayRunItem.create({ data: { replayRunId: run.id, failedWriteId: fw.id, processedAt: at, outcome: "conflict" } });
    expect(await prisma.replayRunItem.findUniqueOrThrow({ where: { replayRunId_failedWriteId: { replayRunId: run.id, failedWriteId: fw.id } } })).toEqual(item);
    const unparsed = await prisma.unparsedFailedWrite.create({ data: { origin: "ndjson", raw: "{", error: "line 1" } });
    expect(await prisma.unparsedFailedWrite.findUniqueOrThrow({ where: { id: unparsed.id } })).toEqual(unparsed);

    const log = await prisma.actionLog.create({
      data: {
        actor: "op",
        action: "release_lock",
        sourceId: source.id,
        target: { pid: 1 },
        reason: "stuck",
        before: { held: true },
        outcome: "released",
        detail: { waitersAcquired: true },
      },
    });
    expect(await prisma.actionLog.findUniqueOrThrow({ where: { id: log.id } })).toEqual(log);

    const ls = await prisma.lockSample.create({
      data: {
        sourceId: source.id,
        sampledAt: at,
        pid: 42,
        lockType: "advisory",
        mode: "ExclusiveLock",
        granted: true,
        objectKey: "advisory:1",
        waitMs: 5,
        blockingPids: [1, 2],
        data: { q: "x" },
      },
    });
    expect(await prisma.lockSample.findUniqueOrThrow({ where: { id: ls.id } })).toEqual(ls);

    const cs = await prisma.capacitySample.create({
      data: { sourceId: source.id, sampledAt: at, metric: "pg_connections", value: 12.5, limit: 100, data: { byState: {} } },
    });
    expect(await prisma.capacitySample.findUniqueOrThrow({ where: { id: cs.id } })).toEqual(cs);

    const token = await prisma.apiToken.create({
      data: { name: "vector", scope: "ingest", tokenHash: `h-${source.id}`, prefix: "lbt_ab", createdBy: "op", lastUsedAt: at, revokedAt: at },
    });
    expect(await prisma.apiToken.findUniqueOrThrow({ where: { tokenHash: token.tokenHash } })).toEqual(token);

    const minute = await prisma.incidentMinute.create({ data: { incidentId: incident.id, minute: at, count: 3 } });
    expect(await prisma.incidentMinute.findUniqueOrThrow({ where: { incidentId_minute: { incidentId: incident.id, minute: at } } })).toEqual(minute);
    const cp = await prisma.ingestCheckpoint.create({ data: { sourceId: source.id, stream: "/var/log/pg.log", fileId: "1.2.abc", offset: 5_000_000_000n } });
    expect(await prisma.ingestCheckpoint.findUniqueOrThrow({ where: { sourceId_stream: { sourceId: source.id, stream: "/var/log/pg.log" } } })).toEqual(cp);

    await prisma.source.delete({ where: { id: source.id } });
    expect(await prisma.event.count({ where: { sourceId: source.id } })).toBe(0);
    expect(await prisma.actionLog.findUniqueOrThrow({ where: { id: log.id } })).toMatchObject({ sourceId: null });
  });
});
