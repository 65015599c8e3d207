// Each scenario runs for real for a bounded time while Lockboard's own readers (server-log tailer,
// lock sampler, app-log follower, capacity sampler) run in-process; Lockboard must catch the
// incident within 10 s: the right kind, source and entity.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { getTestMongoUrl, stopTestMongoServer } from "@/e2e/support/mongo-server/test-mongo-url";
import { sampleCapacity } from "@/lib/capacity/sample-capacity";
import { followLogFile } from "@/lib/ingest/follow-file";
import { tailServerLog } from "@/lib/ingest/pg-log-tailer";
import { closeMongoClients } from "@/lib/mongo/mongo-client";
import { sampleAllLockSources } from "@/lib/postgres/lock-sampler";
import { closeMonitorPools } from "@/lib/postgres/monitor-pool";
import { upsertSource } from "@/lib/sources/source-registry";
import { disconnectPrisma, getPrisma } from "@/lib/store/prisma";
import { ensureDatabase } from "@/lib/store/start-store";
import { findScenario } from "./all-scenarios";
import { CHAT_LOG_FAILED_WRITE_MAPPING } from "./message-retry-duplicate";
import type { ScenarioContext, ScenarioReport } from "./types";

const run = `${process.pid.toString(36)}${Date.now().toString(36)}`;
const CAUGHT_WITHIN_MS = 10_000;
let logDir: string;
let appDbUrl: string;

beforeAll(async () => {
  logDir = mkdtempSync(path.join(tmpdir(), "lockboard-scenarios-"));
  await ensureDatabase(inject("embeddedUrl"), "lockboard_scenario_app");
  appDbUrl = inject("embeddedUrl").replace(/\/postgres$/, "/lockboard_scenario_app");
  process.env.LOCKBOARD_STUCK_AFTER_SECONDS = "2";
});
afterAll(async () => {
  await stopTestMongoServer();
  await closeMongoClients();
  await closeMonitorPools();
  await disconnectPrisma();
  rmSync(logDir, { recursive: true, force: true });
});

/** Runs `name` and, beside it, `watch` every 300 ms until it finds what it looks for or time is up. */
async function runAndCatch<T>(name: string, opts: Record<string, string | boolean>, pace: number, watch: (signal: AbortSignal) => Promise<T | null>) {
  const controller = new AbortController();
  const ctx: ScenarioContext = { pgUrl: appDbUrl, mongoUrl: await getTestMongoUrl(), logDir, lockboard: null, signal: controller.signal, pace, log: () => {} };
  const started = Date.now();
  const running = findScenario(name).run(ctx, opts);
  let found: T | null = null;
  try {
    while (!found && Date.now() - started < CAUGHT_WITHIN_MS) {
      found = await watch(controller.signal);
      if (!found) await new Promise((r) => setTimeout(r, 300));
    }
  } finally {
    controller.abort();
  }
  const report: ScenarioReport = await running;
  return { found, elapsed: Date.now() - started, report };
}

const incidentWith = (where: { kind: string; source: string }, entityType?: string) =>
  getPrisma().incident.findFirst({
    where: {
      kind: where.kind,
      source: { name: where.source },
      ...(entityType ? { events: { some: { entities: { some: { entity: { type: entityType } } } } } } : {}),
    },
    // The server log also holds other tests' failures: the scenario's incident is the latest.
    orderBy: { lastSeen: "desc" },
    include: { events: { take: 1, include: { entities: { include: { entity: true } } } } },
  });

/** Follows an app log in the background for the length of one test. */
function follow(source: string, scenario: string) {
  const controller = new AbortController();
  const done = followLogFile(getPrisma(), source, path.join(logDir, `${scenario}.log`), { signal: controller.signal, pollMs: 200 });
  return async () => {
    controller.abort();
    await done;
  };
}

describe("scenarios, caught by Lockboard within 10 s", () => {
  it("session-race: real 23505s in the server log become a duplicate-key incident on session_uuid; the fix raises none", async () => {
    const prisma = getPrisma();
    const source = await upsertSource(prisma, { name: `scn-pg-${run}`, kind: "postgres", url: appDbUrl });
    const { found, elapsed, report } = await runAndCatch("session-race", {}, 0.5, async () => {
      await tailServerLog(prisma, source, appDbUrl);
      return incidentWith({ kind: "duplicate_key", source: source.name }, "session_uuid");
    });
    expect(report.duplicates).toBeGreaterThan(0);
    expect(found?.title).toBe("Duplicate key on session_session_uuid_key");
    expect(elapsed).toBeLessThan(CAUGHT_WITHIN_MS);

    const t0 = Date.now();
    const fixed = await runAndCatch("session-race", { fixed: true }, 0.3, async () => (Date.now() - t0 > 2_000 ? true : null));
    expect(fixed.report.visitors).toBeGreaterThan(0);
    expect(fixed.report.duplicates).toBe(0);
  });

  it("metadata-lock: the stalled holder is a stuck advisory lock, and the give-ups are lock timeouts for that user", async () => {
    const prisma = getPrisma();
    const source = await upsertSource(prisma, { name: `scn-lock-${run}`, kind: "postgres", url: appDbUrl, config: { scope: "database" } });
    const appLog = `memory-service-${run}`;
    const stop = follow(appLog, "metadata-lock");
    const { found, elapsed, report } = await runAndCatch("metadata-lock", { user: `user-${run}` }, 0.5, async () => {
      await sampleAllLockSources(prisma, undefined, [source.name]);
      const stuck = await incidentWith({ kind: "advisory_lock_stuck", source: source.name });
      const timeouts = await incidentWith({ kind: "lock_timeout", source: appLog }, "userId");
      return stuck && timeouts ? { stuck, timeouts } : null;
    });
    await stop();
    expect(report.gaveUp).toBeGreaterThan(0);
    expect(found?.stuck.title).toContain(String(report.lockKey));
    expect(found?.timeouts.events[0]!.entities.map((l) => `${l.entity.type}=${l.entity.value}`)).toContain(`userId=user-${run}`);
    expect(elapsed).toBeLessThan(CAUGHT_WITHIN_MS);
  });

  it("message-retry-duplicate: the retry's E11000 is a duplicate-key incident on messageId from the chat app's log, and its log line hands over the failed save", async () => {
    const prisma = getPrisma();
    const appLog = `librechat-api-${run}`;
    // As the demo registers them: the chat app's log source maps failed writes, the target declares the namespace.
    await upsertSource(prisma, { name: appLog, kind: "log", config: { failedWriteMapping: CHAT_LOG_FAILED_WRITE_MAPPING } });
    const target = await upsertSource(prisma, {
      name: `chat-mongo-${run}`,
      kind: "mongodb",
      url: await getTestMongoUrl(),
      config: { replay: { namespaces: [`LibreChat_${run}.messages`] } },
    });
    const stop = follow(appLog, "message-retry-duplicate");
    const { found, elapsed, report } = await runAndCatch("message-retry-duplicate", { db: `LibreChat_${run}`, source: target.name }, 0.2, async () => {
      const incident = await incidentWith({ kind: "duplicate_key", source: appLog }, "messageId");
      const write = await prisma.failedWrite.findFirst({ where: { sourceId: target.id, origin: "log" } });
      return incident && write ? { incident, write } : null;
    });
    await stop();
    expect(report.duplicates).toBeGreaterThan(0);
    expect(report.loggedForLockboard).toBeGreaterThan(0);
    expect(found?.incident.title).toBe(`Duplicate key on LibreChat_${run}.messages index messageId_1`);
    expect(found?.write).toMatchObject({ namespace: `LibreChat_${run}.messages`, operation: "insert", errorKind: "duplicate_key", status: "pending" });
    expect(elapsed).toBeLessThan(CAUGHT_WITHIN_MS);
  });

  it("storage-busy: SQLITE_BUSY tracebacks from the embedding service are a storage-busy incident", async () => {
    const appLog = `embed-docs-${run}`;
    const stop = follow(appLog, "storage-busy");
    const { found, elapsed, report } = await runAndCatch("storage-busy", { workers: "4" }, 0.5, () => incidentWith({ kind: "storage_busy", source: appLog }));
    await stop();
    expect(report.busy).toBeGreaterThan(0);
    expect(found?.count).toBeGreaterThan(0);
    expect(elapsed).toBeLessThan(CAUGHT_WITHIN_MS);
  });

  it("fd-exhaustion: EMFILE tracebacks are an fd-exhaustion incident and the process is at its limit", async () => {
    const prisma = getPrisma();
    const appLog = `model-server-${run}`;
    const proc = await upsertSource(prisma, { name: `scn-fds-${run}`, kind: "process", config: { pattern: `--tag ${run}` } });
    const stop = follow(appLog, "fd-exhaustion");
    const { found, elapsed, report } = await runAndCatch("fd-exhaustion", { nofile: "64", tag: run }, 3, async () => {
      await sampleCapacity(prisma, { only: [proc.name] });
      const emfile = await incidentWith({ kind: "fd_exhaustion", source: appLog });
      const atLimit = await incidentWith({ kind: "capacity_threshold", source: proc.name });
      return emfile && atLimit ? { emfile, atLimit } : null;
    });
    await stop();
    expect(report.bursts).toBeGreaterThan(0);
    expect(found?.emfile.title).toBe("Too many open files");
    expect(found?.atLimit.title).toContain("Open file descriptors");
    expect(elapsed).toBeLessThan(CAUGHT_WITHIN_MS);
  });
});
