import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { failedInsert, message, postgresTarget, type ReplayTarget } from "@/e2e/support/replay-targets";
import { openSession, randomBigKey, type Session } from "@/e2e/support/pg-sessions";
import { writeGeneratedPgLog } from "@/scripts/bench/pg-log-generator";
import { checkStoreConsistent, exitOrKill, killServerHard, query, restartServer, runScript, until } from "@/scripts/crash/crash-helpers";
import { EventWriter } from "../ingest/store/event-writer";
import { ingestLogFile } from "../ingest/ingest-file";
import { getLockSnapshot } from "../postgres/get-lock-snapshot";
import { performLockAction, type LockActionInput } from "../postgres/lock-action";
import { closeMonitorPools } from "../postgres/monitor-pool";
import { captureFailedWrites } from "../replay/capture-failed-writes";
import { closeTargetPools } from "../replay/pg-target-pool";
import { createReplayRun, runReplay } from "../replay/replay-run";
import { upsertSource } from "../sources/source-registry";
import { type EmbeddedServer, startEmbeddedPostgres } from "./embedded-server";
import { applyMigrations } from "./migrate";
import { disconnectPrisma, getPrisma } from "./prisma";

// The store this file crashes is its own embedded server; the monitored server and the replay
// target are the integration run's shared one, which stays up.
let dir: string;
let server: EmbeddedServer;
let storeUrl: string;
const savedDatabaseUrl = process.env.DATABASE_URL;

const crashStore = () => killServerHard(server);

/** Back up after the crash (recovery replays the WAL), and checked page by page, index by index. */
async function recoverStore() {
  server = await restartServer(server.dataDir, server.port);
  const checked = await checkStoreConsistent(server.url("lockboard"));
  expect(checked.indexes).toBeGreaterThan(10);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lockboard-crash-"));
  await chmod(dir, 0o755);
  server = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg") });
  storeUrl = await server.ensureAppDatabase("lockboard");
  await applyMigrations(storeUrl);
  process.env.DATABASE_URL = storeUrl;
}, 120_000);

afterAll(async () => {
  await closeTargetPools();
  await closeMonitorPools();
  await disconnectPrisma();
  process.env.DATABASE_URL = savedDatabaseUrl;
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

it("runs durable: fsync, full-page writes and synchronous commits, as PostgreSQL's defaults", async () => {
  for (const url of [storeUrl, inject("embeddedUrl")]) {
    const rows = await query<{ name: string; setting: string }>(
      url,
      `SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'full_page_writes', 'synchronous_commit') ORDER BY name`,
    );
    expect(rows).toEqual([
      { name: "fsync", setting: "on" },
      { name: "full_page_writes", setting: "on" },
      { name: "synchronous_commit", setting: "on" },
    ]);
  }
});

describe("a file ingest killed in the middle", () => {
  const LINES = 120_000;
  let file: string;
  let reference: Counts;

  type Counts = { events: number; inIncidents: number; incidents: number; incidentCount: number; minuteCount: number; links: number };
  const counts = async (source: string): Promise<Counts> =>
    (
      await query<Counts>(
        storeUrl,
        `
      SELECT (SELECT count(*)::int FROM "Event" e WHERE e."sourceId" = s.id) AS "events",
             (SELECT count(*)::int FROM "Event" e WHERE e."sourceId" = s.id AND e."incidentId" IS NOT NULL) AS "inIncidents",
             (SELECT count(*)::int FROM "Incident" i WHERE i."sourceId" = s.id) AS "incidents",
             (SELECT coalesce(sum(i.count), 0)::int FROM "Incident" i WHERE i."sourceId" = s.id) AS "incidentCount",
             (SELECT coalesce(sum(m.count), 0)::int FROM "IncidentMinute" m JOIN "Incident" i ON i.id = m."incidentId" WHERE i."sourceId" = s.id) AS "minuteCount",
             (SELECT count(*)::int FROM "EventEntity" l JOIN "Event" e ON e.id = l."eventId" WHERE e."sourceId" = s.id) AS "links"
      FROM "Source" s WHERE s.name = $1`,
        [source],
      )
    )[0];
  const stored = async (source: string) =>
    (await query<{ n: number }>(storeUrl, `SELECT count(*)::int AS n FROM "Event" e JOIN "Source" s ON s.id = e."sourceId" WHERE s.name = $1`, [source]))[0]
      ?.n ?? 0;
  const ingestCli = (source: string) => runScript("scripts/ingest.ts", ["--source", source, "--quiet", file], { DATABASE_URL: storeUrl });

  beforeAll(async () => {
    file = path.join(dir, "crash-postgresql.log");
    await writeGeneratedPgLog(file, LINES);
    // The same file read once, uninterrupted: what every crashed-and-resumed ingest must end with.
    const writer = await EventWriter.open({ databaseUrl: storeUrl, commit: "relaxed" });
    try {
      await ingestLogFile(getPrisma(), "crash-reference", file, { writer });
    } finally {
      await writer.close();
    }
    reference = await counts("crash-reference");
    expect(reference.events).toBeGreaterThan(LINES / 2);
    expect(reference.incidents).toBeGreaterThan(0);
    // Every event of an incident counted in it once.
    expect(reference.incidentCount).toBe(reference.inIncidents);
    expect(reference.minuteCount).toBe(reference.inIncidents);
  }, 120_000);

  for (const victim of ["the store", "the ingest process"] as const) {
    it(`kill -9 of ${victim}: consistent, and the rerun ends with the exact counts`, async () => {
      const source = `crash-ingest-${victim === "the store" ? "store" : "cli"}`;
      const cli = ingestCli(source);
      let seen = 0;
      await until("a quarter of the events to be stored", async () => {
        if (cli.child.exitCode !== null) throw new Error(`ingest exited early (${cli.child.exitCode}): ${cli.stderr()}`);
        return (seen = await stored(source)) > reference.events / 4;
      });
      if (victim === "the store") {
        await crashStore();
        await exitOrKill(cli, 10_000);
        await recoverStore();
      } else {
        cli.child.kill("SIGKILL");
        await cli.exited;
        await checkStoreConsistent(server.url("lockboard"));
      }
      expect(await cli.exited).not.toBe(0);
      const cut = await counts(source);
      expect(cut.events).toBeLessThan(reference.events);
      // The store survived: every committed batch is there. A crashed store may have lost its last
      // batches (the file writer commits without waiting for the WAL flush; runs of this test have
      // lost every batch stored so far), which the rerun reads again.
      if (victim !== "the store") expect(cut.events).toBeGreaterThanOrEqual(seen);
      // What was stored is whole: each incident counts exactly its stored events.
      expect(cut.incidentCount).toBe(cut.inIncidents);
      expect(cut.minuteCount).toBe(cut.inIncidents);

      const again = ingestCli(source);
      expect(await again.exited, again.stderr()).toBe(0);
      expect(await counts(source)).toEqual(reference);
    }, 180_000);
  }
});

describe("a bulk replay killed in the middle", () => {
  const N = 600;
  let target: ReplayTarget;
  const TERMINAL = ["applied", "already_present"];

  beforeAll(async () => {
    target = await postgresTarget(getPrisma(), "crash", inject("embeddedUrl"));
  });
  afterAll(() => target?.teardown());

  const statusCount = async (ids: number[], status: string) =>
    (await query<{ n: number }>(storeUrl, `SELECT count(*)::int AS n FROM "FailedWrite" WHERE id = ANY($1::int[]) AND status = $2`, [ids, status]))[0].n;

  for (const victim of ["the store", "the replayer"] as const) {
    it(`kill -9 of ${victim}: taken over, every write in the target once, none applied twice`, async () => {
      const prefix = `crash-${victim === "the store" ? "store" : "replayer"}`;
      const prisma = getPrisma();
      const { ids } = await captureFailedWrites(
        prisma,
        Array.from({ length: N }, (_, i) => failedInsert(target, message(i, prefix))),
        "api",
      );
      expect(ids).toHaveLength(N);
      const run = await createReplayRun(prisma, {
        origin: "dashboard",
        reason: "test replay",
        actor: "crash-test",
        selection: { ids },
        batchSize: 40,
        ratePerSec: 120,
      });
      const replayer = runScript("scripts/replay.ts", ["--run", String(run.id), "--lease-ms", "2500", "--concurrency", "2"], { DATABASE_URL: storeUrl });
      await until("a quarter of the writes to be applied", async () => (await statusCount(ids, "applied")) >= N / 4);
      if (victim === "the store") {
        await crashStore();
        await exitOrKill(replayer, 10_000);
        await recoverStore();
      } else {
        await until("a batch to be leased", async () => (await statusCount(ids, "replaying")) > 0);
        replayer.child.kill("SIGKILL");
        await replayer.exited;
        await checkStoreConsistent(server.url("lockboard"));
      }
      expect(await target.count(prefix)).toBeLessThan(N);

      const logsBefore = await prisma.actionLog.count({ where: { action: "replay.run" } });
      const summary = await runReplay(prisma, run.id, { owner: "taker", pollMs: 100 });
      expect(
        Object.keys(summary.counts).every((k) => TERMINAL.includes(k)),
        JSON.stringify(summary.counts),
      ).toBe(true);
      expect(await target.count(prefix)).toBe(N);
      expect(await target.distinctKeys(prefix)).toBe(N);
      const statuses = await prisma.failedWrite.groupBy({ by: ["status"], where: { id: { in: ids } }, _count: { _all: true } });
      expect(statuses.every((s) => TERMINAL.includes(s.status))).toBe(true);
      // Never applied twice: at most one attempt per write recorded an apply.
      const twice = await query(
        storeUrl,
        `SELECT "failedWriteId" FROM "FailedWriteAttempt" WHERE "failedWriteId" = ANY($1::int[]) AND outcome = 'applied' GROUP BY 1 HAVING count(*) > 1`,
        [ids],
      );
      expect(twice).toEqual([]);
      // The run that reported success left its audit row.
      expect(await prisma.actionLog.count({ where: { action: "replay.run" } })).toBe(logsBefore + 1);
    }, 180_000);
  }
});

describe("a lock release killed in the middle", () => {
  const monitorUrl = () => inject("embeddedUrl");
  const role = `lb_crash_app_${randomBytes(4).toString("hex")}`;
  const password = randomBytes(16).toString("hex");
  const sessions: Session[] = [];

  beforeAll(async () => {
    // The holders connect as an application's ordinary role, as real apps do.
    await query(monitorUrl(), `CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
  });
  afterAll(async () => {
    await Promise.all(sessions.map((s) => s.end()));
    await query(monitorUrl(), `DROP ROLE IF EXISTS ${role}`);
  });

  /** Holders busy in a statement (so a release cancels first, waits its grace, then terminates). */
  async function holders(n: number) {
    const u = new URL(monitorUrl());
    u.username = role;
    u.password = password;
    const out: { session: Session; key: bigint }[] = [];
    for (let i = 0; i < n; i++) {
      const session = await openSession(u.toString());
      sessions.push(session);
      const key = randomBigKey();
      await session.client.query("SELECT pg_advisory_lock($1)", [key.toString()]);
      void session.client.query("SELECT pg_sleep(600)").catch(() => {});
      out.push({ session, key });
    }
    const source = await upsertSource(getPrisma(), { name: `crash-locks-${randomBytes(3).toString("hex")}`, kind: "postgres", url: monitorUrl() });
    await until(
      "the holders to be busy",
      async () =>
        (
          await query<{ n: number }>(monitorUrl(), `SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ANY($1::int[]) AND state = 'active'`, [
            out.map((h) => h.session.pid),
          ])
        )[0].n === n,
    );
    const snap = await getLockSnapshot({ ...source, config: {} }, monitorUrl(), { stuckAfterMs: 200 });
    const targets: Omit<LockActionInput, "reason" | "endBlockingBackend">[] = out.map((h) => ({
      pid: h.session.pid,
      backendStart: snap.backends.find((b) => b.pid === h.session.pid)!.backendStart!,
      lock: snap.advisory.find((g) => g.key.form === "bigint" && g.key.key === h.key.toString())!.target,
    }));
    return { source: { id: source.id, name: source.name }, targets };
  }

  const alive = async (pids: number[]) =>
    (await query<{ pid: number }>(monitorUrl(), `SELECT pid FROM pg_stat_activity WHERE pid = ANY($1::int[])`, [pids])).map((r) => r.pid);

  for (const victim of ["the store", "the dashboard process"] as const) {
    it(`kill -9 of ${victim}: every reported release has its audit row, and releasing again finishes the job`, async () => {
      const job = await holders(4);
      const worker = runScript("scripts/crash/release-locks.ts", [], {
        DATABASE_URL: storeUrl,
        LOCKBOARD_CRASH_RELEASES: JSON.stringify({ ...job, url: monitorUrl() }),
        LOCKBOARD_RELEASE_GRACE_MS: "2500",
      });
      await until("two releases to be reported", async () => worker.lines.length >= 2 || worker.child.exitCode !== null);
      // In the third: its cancel sent, its store transaction open, waiting out the grace.
      await new Promise((r) => setTimeout(r, 800));
      if (victim === "the store") {
        await crashStore();
        await exitOrKill(worker, 10_000);
        await recoverStore();
      } else {
        worker.child.kill("SIGKILL");
        await worker.exited;
        await checkStoreConsistent(server.url("lockboard"));
      }
      const reported = worker.lines.filter(Boolean).map((l) => JSON.parse(l) as { pid: number; outcome: string; auditId: number });
      expect(reported.length, worker.stderr()).toBeGreaterThanOrEqual(2);
      expect(reported.length).toBeLessThan(4);
      const prisma = getPrisma();
      for (const r of reported) {
        expect(r.outcome).toBe("released");
        expect(await prisma.actionLog.findUnique({ where: { id: r.auditId } })).toMatchObject({
          action: "lock.release",
          outcome: "released",
          target: { pid: r.pid },
        });
      }
      // The rest released again by an operator: each is released now or was already.
      for (const t of job.targets.filter((t) => !reported.some((r) => r.pid === t.pid))) {
        const res = await performLockAction(prisma, {
          actor: { name: "crash-operator", role: "operator" },
          source: job.source,
          url: monitorUrl(),
          action: "release",
          input: { ...t, reason: "after the crash", endBlockingBackend: false },
        });
        expect(["released", "already_released"]).toContain(res.outcome);
        expect(await prisma.actionLog.findUnique({ where: { id: res.auditId } })).toMatchObject({ outcome: res.outcome });
      }
      expect(await alive(job.targets.map((t) => t.pid))).toEqual([]);
    }, 180_000);
  }
});
