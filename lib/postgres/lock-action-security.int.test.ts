// What a lock action must never reach: another database through a database-scoped source,
// superuser and replication sessions without the opt-in, Lockboard's own store sessions by any
// other name of their server; and what it must reach: a client that merely calls itself Lockboard.
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import pg from "pg";
import { listMonitoredServers } from "@/e2e/support/test-servers";
import { createTestAppRole, openSession, randomBigKey, startWaiting, waitUntilWaiting, type Session } from "@/e2e/support/pg-sessions";
import { HttpError } from "../http/errors";
import { upsertSource } from "../sources/source-registry";
import { ensureDatabase } from "../store/start-store";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { encodeBigintKey } from "./advisory-key";
import { dropAppRole } from "./app-role";
import { getBackendDetail } from "./get-backend-detail";
import { getLockSnapshot } from "./get-lock-snapshot";
import { performLockAction, type LockAction, type LockActionInput } from "./lock-action";
import { SIGNAL_BACKEND_SQL } from "./lock-action-sql";
import { closeMonitorPools } from "./monitor-pool";

const run = `${process.pid.toString(36)}${Date.now().toString(36)}`;
// A second database on each server, unique to this run (the machine's server is shared).
const OTHER_DB = `lockboard_locks_it_other_${run}`;
const withDb = (url: string, db: string) => Object.assign(new URL(url), { pathname: `/${db}` }).toString();

const servers = await Promise.all(
  (await listMonitoredServers(inject("embeddedUrl"))).map(async (s) => {
    await ensureDatabase(s.url, OTHER_DB);
    return { ...s, app: await createTestAppRole(s.url, "lockboard_locks_sec") };
  }),
);
const extraRoles: { url: string; role: string }[] = [];
const sessions: Session[] = [];
const open = async (url: string, app?: string) => {
  const s = await openSession(url, app);
  sessions.push(s);
  return s;
};
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.end()));
  await closeMonitorPools();
  for (const s of servers) {
    const admin = new pg.Client({ connectionString: s.url });
    await admin.connect();
    // Only this run's database: WITH (FORCE) ends nothing but the sessions this file opened in it.
    await admin.query(`DROP DATABASE IF EXISTS ${OTHER_DB} WITH (FORCE)`).finally(() => admin.end());
    await s.app.drop();
  }
  for (const r of extraRoles) await dropAppRole(r.url, r.role).catch(() => {});
  await disconnectPrisma();
});

const actor = { name: "it-security", role: "operator" as const };
const audit = (id: number) => getPrisma().actionLog.findUniqueOrThrow({ where: { id } });
const startOf = async (monitorUrl: string, pid: number) => {
  const c = new pg.Client({ connectionString: monitorUrl });
  await c.connect();
  try {
    return (await c.query<{ bs: string }>("SELECT to_json(backend_start) #>> '{}' AS bs FROM pg_stat_activity WHERE pid = $1", [pid])).rows[0]!.bs;
  } finally {
    await c.end();
  }
};

/** A session on `url` holding a fresh session-level advisory lock, and the lock as an action names it. */
async function holdLock(url: string, app?: string) {
  const key = randomBigKey();
  const s = await open(url, app);
  await s.client.query("SELECT pg_advisory_lock($1)", [key.toString()]);
  const db = (await s.client.query<{ oid: string }>("SELECT oid::int8::text AS oid FROM pg_database WHERE datname = current_database()")).rows[0]!.oid;
  return { session: s, key, lock: { locktype: "advisory" as const, database: Number(db), ...encodeBigintKey(key) } };
}
const alive = (s: Session) =>
  s.client.query("SELECT 1 AS ok").then(
    (r) => r.rows[0].ok === 1,
    () => false,
  );

describe.each(servers)("lock action guards on $name", (server) => {
  const source = (suffix: string, config: Record<string, unknown> = {}) =>
    upsertSource(getPrisma(), { name: `it-sec-${suffix}-${server.name}-${run}`, kind: "postgres", url: server.url, config });
  const act = async (
    src: Awaited<ReturnType<typeof source>>,
    action: LockAction,
    input: Omit<LockActionInput, "endBlockingBackend"> & { endBlockingBackend?: boolean },
  ) => performLockAction(getPrisma(), { actor, source: src, url: server.url, action, input: { endBlockingBackend: false, ...input } });

  it("a database-scoped source refuses (and audits) an action on a backend in another database", async () => {
    const scoped = await source("scoped", { scope: "database" });
    const other = await holdLock(withDb(server.app.url, OTHER_DB));
    const input = { pid: other.session.pid, backendStart: await startOf(server.url, other.session.pid), lock: other.lock, reason: "reach across databases" };
    for (const action of ["release", "terminate", "cancel"] as const) {
      const r = await act(scoped, action, { ...input, endBlockingBackend: true });
      expect(r, action).toMatchObject({ outcome: "refused", code: "out_of_scope" });
      expect(r.message).toContain('config.scope = "database"');
      const log = await audit(r.auditId);
      expect(log).toMatchObject({ action: `lock.${action}`, outcome: "refused", detail: { code: "out_of_scope" } });
      // The audit names the backend, not the other database's query text.
      expect(log.before).toEqual({ pid: other.session.pid, datname: OTHER_DB, in_database: false });
    }
    expect(await alive(other.session)).toBe(true);
    // In its own database the same source still acts.
    const mine = await holdLock(server.app.url);
    const released = await act(scoped, "release", {
      pid: mine.session.pid,
      backendStart: await startOf(server.url, mine.session.pid),
      lock: mine.lock,
      reason: "own database",
    });
    expect(released).toMatchObject({ outcome: "released" });
  });

  it("the signal statement itself re-checks scope, role and ownership (nothing signalled when one fails)", async () => {
    const other = await holdLock(withDb(server.app.url, OTHER_DB));
    const su = await holdLock(server.url);
    const app = await holdLock(server.app.url);
    const c = new pg.Client({ connectionString: server.url });
    await c.connect();
    try {
      const signal = async (h: Awaited<ReturnType<typeof holdLock>>, own: number[], scopeDb: boolean, allowPrivileged: boolean) =>
        (
          await c.query(SIGNAL_BACKEND_SQL, [
            h.session.pid,
            await startOf(server.url, h.session.pid),
            "terminate",
            null,
            h.lock.database,
            h.lock.classid,
            h.lock.objid,
            h.lock.objsubid,
            own,
            scopeDb,
            allowPrivileged,
          ])
        ).rowCount;
      expect(await signal(other, [], true, true)).toBe(0);
      expect(await signal(su, [], false, false)).toBe(0);
      expect(await signal(app, [app.session.pid], false, true)).toBe(0);
      for (const h of [other, su, app]) expect(await alive(h.session)).toBe(true);
      expect(await signal(app, [], true, false)).toBe(1);
    } finally {
      await c.end();
    }
  });

  it("a database-scoped source shows no backend detail (query text) of another database", async () => {
    const scoped = await source("scoped-detail", { scope: "database" });
    const other = await holdLock(withDb(server.app.url, OTHER_DB));
    await other.session.client.query("SELECT 'secret-of-the-other-database' AS q");
    const err = await getBackendDetail(scoped, server.url, other.session.pid, null).catch((e) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ status: 403, code: "out_of_scope" });
    expect(err.message).not.toContain("secret-of-the-other-database");
    const mine = await holdLock(server.app.url);
    expect(await getBackendDetail(scoped, server.url, mine.session.pid, null)).toMatchObject({ pid: mine.session.pid, locksTotal: 1 });
    // A server-wide source still shows it.
    expect(await getBackendDetail(await source("server-detail"), server.url, other.session.pid, null)).toMatchObject({
      query: expect.stringContaining("secret-of-the-other-database"),
    });
  });

  it("refuses a superuser's and a replication role's session unless the source sets allowSuperuserTargets, and audits the refusal", async () => {
    const plain = await source("plain");
    const su = await holdLock(server.url);
    const input = { pid: su.session.pid, backendStart: await startOf(server.url, su.session.pid), lock: su.lock, reason: "end the DBA's session" };
    const refused = await act(plain, "release", input);
    expect(refused).toMatchObject({ outcome: "refused", code: "privileged_target" });
    expect(refused.message).toContain("config.allowSuperuserTargets");
    expect(await audit(refused.auditId)).toMatchObject({ action: "lock.release", outcome: "refused", detail: { code: "privileged_target" } });
    expect(await alive(su.session)).toBe(true);

    const replRole = `lockboard_locks_repl_${run}`;
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query(`CREATE ROLE ${replRole} LOGIN REPLICATION PASSWORD 'repl-${run}'`).finally(() => admin.end());
    extraRoles.push({ url: server.url, role: replRole });
    const replUrl = Object.assign(new URL(server.url), { username: replRole, password: `repl-${run}` }).toString();
    const repl = await holdLock(replUrl);
    const replRefused = await act(plain, "terminate", {
      pid: repl.session.pid,
      backendStart: await startOf(server.url, repl.session.pid),
      lock: repl.lock,
      reason: "end the replication admin",
    });
    expect(replRefused).toMatchObject({ outcome: "refused", code: "privileged_target" });
    expect(await alive(repl.session)).toBe(true);

    const optedIn = await source("opted-in", { allowSuperuserTargets: true });
    expect(await act(optedIn, "release", input)).toMatchObject({ outcome: "released" });
    expect(await alive(su.session)).toBe(false);
  });

  it("a connection another Lockboard process holds (published in its run dir) is refused; a run dir others may write is ignored", async () => {
    const plain = await source("sibling", { allowSuperuserTargets: true });
    const runDir = mkdtempSync(path.join(tmpdir(), "lockboard-run-it-"));
    const sibling = spawn(process.execPath, ["-e", "setTimeout(() => {}, 20000)"]);
    const before = process.env.LOCKBOARD_RUN_DIR;
    process.env.LOCKBOARD_RUN_DIR = runDir;
    try {
      const held = await holdLock(server.app.url);
      const c = new pg.Client({ connectionString: server.url });
      await c.connect();
      const key = (await c.query<{ k: string }>("SELECT (SELECT system_identifier::text FROM pg_control_system()) || ':' || current_setting('port') AS k"))
        .rows[0]!.k;
      await c.end();
      writeFileSync(path.join(runDir, `${sibling.pid}.json`), JSON.stringify({ pid: sibling.pid, byServer: { [key]: [held.session.pid] } }), { mode: 0o600 });
      const input = {
        pid: held.session.pid,
        backendStart: await startOf(server.url, held.session.pid),
        lock: held.lock,
        reason: "the dashboard's sibling's connection",
      };
      expect(await act(plain, "release", input)).toMatchObject({ outcome: "refused", code: "own_connection" });
      expect(await alive(held.session)).toBe(true);
      // Anyone may write here now: what it says is not believed.
      chmodSync(runDir, 0o777);
      expect(await act(plain, "release", input)).toMatchObject({ outcome: "released" });
      // A file left by a dead writer whose pid the OS gave to another process is not believed either.
      chmodSync(runDir, 0o700);
      const next = await holdLock(server.app.url);
      writeFileSync(path.join(runDir, `${sibling.pid}.json`), JSON.stringify({ pid: sibling.pid, started: "1", byServer: { [key]: [next.session.pid] } }), {
        mode: 0o600,
      });
      const nextInput = { pid: next.session.pid, backendStart: await startOf(server.url, next.session.pid), lock: next.lock, reason: "a stale sibling file" };
      expect(await act(plain, "release", nextInput)).toMatchObject({ outcome: "released" });
    } finally {
      if (before === undefined) delete process.env.LOCKBOARD_RUN_DIR;
      else process.env.LOCKBOARD_RUN_DIR = before;
      sibling.kill();
      rmSync(runDir, { recursive: true, force: true });
    }
  });

  it("a client calling itself lockboard-monitor is an ordinary target", async () => {
    const plain = await source("spoof");
    const spoof = await holdLock(server.app.url, "lockboard-monitor");
    const waiter = await open(server.app.url);
    const waits = startWaiting(waiter, "SELECT pg_advisory_lock($1)", [spoof.key.toString()]);
    await waitUntilWaiting(server.url, [waiter.pid]);
    const snap = await getLockSnapshot(plain, server.url, { stuckAfterMs: 200 });
    expect(snap.backends.find((b) => b.pid === spoof.session.pid)).toMatchObject({ application: "lockboard-monitor", own: false });
    const r = await act(plain, "release", {
      pid: spoof.session.pid,
      backendStart: await startOf(server.url, spoof.session.pid),
      lock: spoof.lock,
      reason: "spoofed name",
    });
    expect(r).toMatchObject({ outcome: "released", detail: { waitersAcquired: true } });
    expect(await waits).toBe("acquired");
  });
});

describe("Lockboard's own store sessions", () => {
  const embedded = servers[0]!;
  // The same embedded server by another name: 127.1 is 127.0.0.1 to the resolver, not to a host-name comparison.
  const otherName = Object.assign(new URL(embedded.url), { hostname: "127.1" }).toString();

  it("are refused when the source names the store's server by another host name", async () => {
    expect(new URL(otherName).hostname).not.toBe(new URL(process.env.DATABASE_URL!).hostname);
    const src = await upsertSource(getPrisma(), { name: `it-sec-store-${run}`, kind: "postgres", url: otherName, config: { allowSuperuserTargets: true } });
    const key = randomBigKey();
    const outcome = await getPrisma().$transaction(async (tx) => {
      // A store connection of Lockboard's own, holding a lock a waiter queues behind.
      const [me] = await tx.$queryRawUnsafe<{ pid: number; bs: string; db: string }[]>(
        "SELECT pg_backend_pid() AS pid, to_json(backend_start) #>> '{}' AS bs, (SELECT oid::int8::text FROM pg_database WHERE datname = current_database()) AS db, pg_advisory_xact_lock($1::bigint)::text AS locked FROM pg_stat_activity WHERE pid = pg_backend_pid()",
        key.toString(),
      );
      const lock = { locktype: "advisory" as const, database: Number(me!.db), ...encodeBigintKey(key) };
      return performLockAction(getPrisma(), {
        actor,
        source: src,
        url: otherName,
        action: "release",
        input: { pid: me!.pid, backendStart: me!.bs, lock, reason: "the store's session", endBlockingBackend: false },
      });
    });
    expect(outcome).toMatchObject({ outcome: "refused", code: "own_connection" });
    expect(await audit(outcome.auditId)).toMatchObject({ outcome: "refused", detail: { code: "own_connection" } });
  });
});
