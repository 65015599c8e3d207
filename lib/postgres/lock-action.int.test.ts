import { afterAll, describe, expect, inject, it } from "vitest";
import pg from "pg";
import { listMonitoredServers } from "@/e2e/support/test-servers";
import { createTestAppRole, openSession, randomBigKey, startWaiting, waitUntilWaiting, type Session } from "@/e2e/support/pg-sessions";
import { upsertSource } from "../sources/source-registry";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { encodeBigintKey } from "./advisory-key";
import { getBackendDetail } from "./get-backend-detail";
import { getLockSnapshot } from "./get-lock-snapshot";
import { performLockAction, type LockAction, type LockActionInput } from "./lock-action";
import type { LockSnapshot } from "./lock-model";
import { closeMonitorPools, withMonitorClient } from "./monitor-pool";

// The sessions released here are an application's, on an ordinary role: the monitor (server.url)
// is a superuser, and Lockboard refuses to end superuser sessions without the source's opt-in.
const servers = await Promise.all(
  (await listMonitoredServers(inject("embeddedUrl"))).map(async (s) => ({ ...s, app: await createTestAppRole(s.url, "lockboard_locks_it") })),
);
const sessions: Session[] = [];
const open = async (url: string, app?: string) => {
  const s = await openSession(url, app);
  sessions.push(s);
  return s;
};
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.end()));
  await Promise.all(servers.map((s) => s.app.drop()));
  await closeMonitorPools();
  await disconnectPrisma();
});

const actor = { name: "it-operator", role: "operator" as const };

describe.each(servers)("guarded lock release on $name", (server) => {
  const sourceName = `it-locks-${server.name}-${Date.now()}`;
  const sourceP = upsertSource(getPrisma(), { name: sourceName, kind: "postgres", url: server.url });
  const snapshot = async () => getLockSnapshot({ ...(await sourceP), config: {} }, server.url, { stuckAfterMs: 200 });
  const act = async (action: LockAction, input: Omit<LockActionInput, "endBlockingBackend"> & { endBlockingBackend?: boolean }) =>
    performLockAction(getPrisma(), { actor, source: await sourceP, url: server.url, action, input: { endBlockingBackend: false, ...input } });
  const holderOf = (snap: LockSnapshot, pid: number) => snap.backends.find((b) => b.pid === pid)!;

  it("shows an idle holder and two waiters as a tree with the decoded key; release hands the lock to a waiter", async () => {
    const key = randomBigKey();
    const holder = await open(server.app.url);
    await holder.client.query("SELECT pg_advisory_lock($1)", [key.toString()]);
    const [w1, w2] = [await open(server.app.url), await open(server.app.url)];
    const waits = [startWaiting(w1, "SELECT pg_advisory_lock($1)", [key.toString()]), startWaiting(w2, "SELECT pg_advisory_lock($1)", [key.toString()])];
    await waitUntilWaiting(server.url, [w1.pid, w2.pid]);
    await new Promise((r) => setTimeout(r, 250));

    const snap = await snapshot();
    const group = snap.advisory.find((g) => g.key.form === "bigint" && g.key.key === key.toString())!;
    expect(group).toBeDefined();
    expect(group.target).toMatchObject({ locktype: "advisory", ...encodeBigintKey(key) });
    expect(group.holders).toEqual([{ pid: holder.pid, mode: "ExclusiveLock" }]);
    expect(group.waiters.map((w) => w.pid).sort()).toEqual([w1.pid, w2.pid].sort());
    expect(group.longestWaitMs).toBeGreaterThan(0);
    expect(group.stuck?.reason).toContain(`holder ${holder.pid} is idle`);
    const root = snap.tree.find((n) => n.pid === holder.pid)!;
    expect(root.children.map((c) => c.pid).sort()).toEqual([w1.pid, w2.pid].sort());
    const hb = holderOf(snap, holder.pid);
    expect(hb).toMatchObject({ state: "idle", application: "lockboard-test-app", own: false, backendType: "client backend" });
    expect(hb.backendStart).toMatch(/\.\d+/);

    const blast = await getBackendDetail(await sourceP, server.url, holder.pid, hb.backendStart);
    expect(blast).toMatchObject({ sameBackend: true, state: "idle", locksTotal: 1, locks: [{ locktype: "advisory", object: `key ${key}`, granted: true }] });
    expect(blast!.blockedPids.sort()).toEqual([w1.pid, w2.pid].sort());

    const result = await act("release", { pid: holder.pid, backendStart: hb.backendStart!, lock: group.target, reason: "stuck in test" });
    expect(result).toMatchObject({ outcome: "released" });
    expect(result.detail).toMatchObject({ signals: ["terminate"], waitersAcquired: true, holderGone: true });
    expect([w1.pid, w2.pid]).toContain((result.detail.newHolders as number[])[0]);
    expect(await Promise.race([Promise.race(waits), new Promise((r) => setTimeout(() => r("timeout"), 5000))])).toBe("acquired");

    const log = await getPrisma().actionLog.findUniqueOrThrow({ where: { id: result.auditId } });
    expect(log).toMatchObject({ actor: "it-operator", action: "lock.release", outcome: "released", reason: "stuck in test" });
    expect(log.target).toMatchObject({ pid: holder.pid, backendStart: hb.backendStart!, lock: group.target });
    expect(log.before).toMatchObject({ pid: holder.pid, holds_lock: true });
    expect(log.detail).toMatchObject({ waitersAcquired: true });
  });

  it("two releases at once: one releases, the other finds nothing to do", async () => {
    const key = randomBigKey();
    const holder = await open(server.app.url);
    await holder.client.query("SELECT pg_advisory_lock($1)", [key.toString()]);
    const hb = holderOf(await snapshot(), holder.pid);
    const input = {
      pid: holder.pid,
      backendStart: hb.backendStart!,
      lock: { locktype: "advisory" as const, database: 0, ...encodeBigintKey(key) },
      reason: "double click",
    };
    const db = (await holder.client.query<{ oid: string }>("SELECT oid::int8::text AS oid FROM pg_database WHERE datname = current_database()")).rows[0]!.oid;
    input.lock.database = Number(db);
    const results = await Promise.all([act("release", input), act("release", input)]);
    expect(results.map((r) => r.outcome).sort()).toEqual(["already_released", "released"]);
  });

  it("cancels a running holder: enough for a statement's transaction lock, escalated to terminate for a session lock", async () => {
    const [xactKey, sessionKey] = [randomBigKey(), randomBigKey()];
    const xact = await open(server.app.url);
    const session = await open(server.app.url);
    const xactRun = startWaiting(xact, "SELECT pg_advisory_xact_lock($1), pg_sleep(30)", [xactKey.toString()]);
    await session.client.query("SELECT pg_advisory_lock($1)", [sessionKey.toString()]);
    const sessionRun = startWaiting(session, "SELECT pg_sleep(30)");
    let snap = await snapshot();
    for (let i = 0; i < 50 && !(holderOf(snap, xact.pid)?.state === "active" && holderOf(snap, session.pid)?.state === "active"); i++) snap = await snapshot();
    const target = (key: bigint) => snap.advisory.find((g) => g.key.form === "bigint" && g.key.key === key.toString())!.target;

    const cancelled = await act("release", {
      pid: xact.pid,
      backendStart: holderOf(snap, xact.pid).backendStart!,
      lock: target(xactKey),
      reason: "running holder",
    });
    expect(cancelled).toMatchObject({ outcome: "released", detail: { signals: ["cancel"], holderGone: false } });
    expect(await xactRun).toBe("failed");
    expect((await xact.client.query("SELECT 1 AS ok")).rows[0].ok).toBe(1);

    const escalated = await act("release", {
      pid: session.pid,
      backendStart: holderOf(snap, session.pid).backendStart!,
      lock: target(sessionKey),
      reason: "running holder, session lock",
    });
    expect(escalated).toMatchObject({ outcome: "released", detail: { signals: ["cancel", "terminate"], holderGone: true } });
    expect(await sessionRun).toBe("failed");
  });

  it("refuses a pid whose backend_start no longer matches, and leaves it alone", async () => {
    const key = randomBigKey();
    const holder = await open(server.app.url);
    await holder.client.query("SELECT pg_advisory_lock($1)", [key.toString()]);
    const snap = await snapshot();
    const group = snap.advisory.find((g) => g.key.form === "bigint" && g.key.key === key.toString())!;
    const result = await act("release", { pid: holder.pid, backendStart: "2001-02-03T04:05:06.123456+00:00", lock: group.target, reason: "stale click" });
    expect(result).toMatchObject({ outcome: "refused", code: "pid_reused" });
    expect((await holder.client.query("SELECT 1 AS ok")).rows[0].ok).toBe(1);
    const log = await getPrisma().actionLog.findUniqueOrThrow({ where: { id: result.auditId } });
    expect(log.outcome).toBe("refused");
  });

  it("decodes the two-int form and shared mode; refuses the dashboard's own sessions and server processes", async () => {
    const mine = await open(server.app.url);
    await mine.client.query("SELECT pg_advisory_lock(7, -3)");
    const app = await open(server.app.url);
    await app.client.query("SELECT pg_advisory_lock_shared(-7, 3)");
    const snap = await snapshot();
    const pair = snap.advisory.find((g) => g.holders.some((h) => h.pid === mine.pid))!;
    expect(pair.key).toEqual({ form: "int4pair", key1: 7, key2: -3, label: "(7, -3)" });
    expect(holderOf(snap, mine.pid).own).toBe(false);
    const shared = snap.locks.find((l) => l.pid === app.pid && l.objectKey)!;
    expect(shared).toMatchObject({ mode: "ShareLock", exclusive: false, label: "advisory keys (-7, 3) in postgres" });
    expect(snap.advisory.find((g) => g.objectKey === shared.objectKey)?.key).toMatchObject({ form: "int4pair", key1: -7, key2: 3 });

    // A monitor connection of this process, busy elsewhere: known as ours by its pid.
    const own = await withMonitorClient(server.url, async (c) => {
      const me = (
        await c.query<{ pid: number; bs: string }>("SELECT pid, to_json(backend_start) #>> '{}' AS bs FROM pg_stat_activity WHERE pid = pg_backend_pid()")
      ).rows[0]!;
      return act("terminate", { pid: me.pid, backendStart: me.bs, reason: "try own", endBlockingBackend: true });
    });
    expect(own).toMatchObject({ outcome: "refused", code: "own_connection" });
    await mine.client.query("SELECT pg_advisory_unlock(7, -3)");

    const probe = new pg.Client({ connectionString: server.url });
    await probe.connect();
    const bg = (
      await probe.query<{ pid: number; bs: string }>(
        "SELECT pid, to_json(backend_start) #>> '{}' AS bs FROM pg_stat_activity WHERE backend_type = 'checkpointer'",
      )
    ).rows[0]!;
    await probe.end();
    const ckpt = await act("terminate", { pid: bg.pid, backendStart: bg.bs, reason: "try a server process", endBlockingBackend: true });
    expect(ckpt).toMatchObject({ outcome: "refused", code: "not_client_backend" });
  });

  it("ends a blocker holding no advisory lock only when the operator chooses to", async () => {
    const table = `it_locks_${server.version}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query(`CREATE TABLE ${table} (id int PRIMARY KEY)`);
    await admin.query(`GRANT ALL ON ${table} TO ${server.app.role}`);
    await admin.end();
    const owner = await open(server.app.url);
    try {
      await owner.client.query(`BEGIN; LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
      const waiter = await open(server.app.url);
      const waiting = startWaiting(waiter, `SELECT count(*) FROM ${table}`);
      await waitUntilWaiting(server.url, [waiter.pid]);
      const snap = await snapshot();
      expect(snap.tree.find((n) => n.pid === owner.pid)?.children.map((c) => c.pid)).toEqual([waiter.pid]);
      expect(snap.locks.find((l) => l.pid === owner.pid && l.locktype === "relation" && l.mode === "AccessExclusiveLock")?.label).toContain(table);
      const base = { pid: owner.pid, backendStart: holderOf(snap, owner.pid).backendStart!, reason: "table lock" };
      expect(await act("terminate", base)).toMatchObject({ outcome: "refused", code: "confirm_end_blocker" });
      const ended = await act("terminate", { ...base, endBlockingBackend: true });
      expect(ended).toMatchObject({ outcome: "released", detail: { waitersAcquired: true } });
      expect(await waiting).toBe("acquired");
    } finally {
      const cleanup = new pg.Client({ connectionString: server.url });
      await cleanup.connect();
      await cleanup.query(`DROP TABLE IF EXISTS ${table}`).finally(() => cleanup.end());
    }
  });
});
