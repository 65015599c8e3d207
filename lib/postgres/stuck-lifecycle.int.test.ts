import { afterAll, describe, expect, inject, it } from "vitest";
import { createTestAppRole, openSession, randomBigKey, startWaiting, waitUntilWaiting, type Session } from "@/e2e/support/pg-sessions";
import { getIncident } from "../incidents/get-incident";
import { upsertSource } from "../sources/source-registry";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { encodeBigintKey } from "./advisory-key";
import { listHolderImpact } from "./list-holder-impact";
import { writeActionLog } from "../audit/write-action-log";
import { actionLockKey, performLockAction } from "./lock-action";
import { sampleAllLockSources } from "./lock-sampler";
import { closeMonitorPools } from "./monitor-pool";
import { ADVISORY_LOCK_STUCK } from "./stuck-incident";

const embeddedUrl = inject("embeddedUrl");
const sessions: Session[] = [];
const role = await createTestAppRole(embeddedUrl, "lb_stuck_it");
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.end()));
  await role.drop();
  await closeMonitorPools();
  await disconnectPrisma();
});
const open = async () => {
  const s = await openSession(role.url, "stuck-it-app");
  sessions.push(s);
  return s;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A source on the embedded server, and a key one session holds while another waits on it, stuck for the sampler (held past 0.3 s). */
async function stuckKey(name: string) {
  process.env.LOCKBOARD_STUCK_AFTER_SECONDS = "0.3";
  const prisma = getPrisma();
  const source = await upsertSource(prisma, { name: `${name}-${Date.now()}`, kind: "postgres", url: embeddedUrl });
  const pass = async () => {
    const [r] = await sampleAllLockSources(prisma, undefined, [source.name]);
    expect(r).toMatchObject({ ok: true });
    return r;
  };
  const incident = () => prisma.incident.findFirstOrThrow({ where: { sourceId: source.id, kind: ADVISORY_LOCK_STUCK } });
  const key = randomBigKey();
  const holder = await open();
  const waiter = await open();
  await holder.client.query("SELECT pg_advisory_lock($1)", [key.toString()]);
  void startWaiting(waiter, "SELECT pg_advisory_lock($1)", [key.toString()]);
  await waitUntilWaiting(embeddedUrl, [waiter.pid]);
  await sleep(400);
  return { prisma, source, pass, incident, key, holder, waiter };
}

describe("stuck-lock incident lifecycle", () => {
  it("counts each stuck pass per minute, resolves on release (with the audit row) or when the holder goes, and reopens as a regression", async () => {
    const { prisma, source, pass, incident, key, holder, waiter } = await stuckKey("it-stuck");

    for (let i = 0; i < 3; i++) expect((await pass()).stuck).toBe(1);
    let inc = await incident();
    expect(inc).toMatchObject({ count: 3, status: "open", regression: false });
    const minutes = await prisma.incidentMinute.findMany({ where: { incidentId: inc.id } });
    expect(minutes.reduce((n, m) => n + m.count, 0)).toBe(3);

    const detail = (await getIncident(prisma, inc.id, { range: "1h" }))!;
    expect(detail.incident.rate).toBe(3);
    expect(detail.histogram.points.reduce((n, p) => n + p.count, 0)).toBe(3);
    expect(detail.spike?.count).toBeGreaterThanOrEqual(1);
    expect(detail.stuckLock).toMatchObject({ key: key.toString(), lock: { locktype: "advisory", ...encodeBigintKey(key) } });
    expect(detail.stuckLock!.holders).toEqual([expect.objectContaining({ pid: holder.pid, application: "stuck-it-app" })]);
    // The waiter was seen in every pass: the key's and the holder's 15-minute figures say so.
    expect(detail.stuckLock!.impact.at(-1)).toMatchObject({ minutes: 15, waiters: 1, waits: 3 });
    const impact = await listHolderImpact(prisma, source.id, 15);
    expect(impact.holders.find((h) => h.pid === holder.pid)?.windows.at(-1)).toMatchObject({ waiters: 1, waits: 3 });

    // Released from Lockboard: the next pass resolves it and names the audit row.

    const [{ bs }] = await prisma.$queryRaw<
      { bs: string }[]
    >`SELECT "data"->>'backendStart' AS bs FROM "LockSample" WHERE "sourceId" = ${source.id} AND pid = ${holder.pid} AND granted LIMIT 1`;
    expect(bs).toBeTruthy();
    const release = await performLockAction(prisma, {
      actor: { name: "it-operator", role: "operator" },
      source,
      url: embeddedUrl,
      action: "release",
      input: { pid: holder.pid, backendStart: bs, lock: detail.stuckLock!.lock!, reason: "it: stuck lifecycle", endBlockingBackend: false },
    });
    expect(release.outcome).toBe("released");
    await pass();
    inc = await incident();
    expect(inc.status).toBe("resolved");
    const resolved = (await getIncident(prisma, inc.id, { range: "1h" }))!.stuckLock!.resolution!;
    expect(resolved.reason).toContain(`audit #${release.auditId}`);
    expect(resolved).toMatchObject({ releaseAuditId: release.auditId, by: "lockboard (lock sampler)" });

    // The waiter got the lock and now sits idle on it: stuck again, reopened as a regression.
    await sleep(400);
    await pass();
    inc = await incident();
    expect(inc).toMatchObject({ status: "open", regression: true, count: 4 });

    // The holder goes away by itself: resolved, saying so (no audit row of a release).
    await waiter.end();
    await sleep(100);
    await pass();
    inc = await incident();
    expect(inc.status).toBe("resolved");
    const gone = (await getIncident(prisma, inc.id, { range: "1h" }))!.stuckLock!.resolution!;
    expect(gone.reason).toBe(`backend ${waiter.pid} no longer holds the lock (its session ended or it let go)`);
    expect(gone.releaseAuditId).toBeNull();
    const log = await prisma.actionLog.findMany({
      where: { action: "incident.status", target: { path: ["incidentId"], equals: inc.id } },
      orderBy: { id: "asc" },
    });
    expect(log.map((l) => l.outcome)).toEqual(["resolved", "open", "resolved"]);
    delete process.env.LOCKBOARD_STUCK_AFTER_SECONDS;
  });

  it("a pass while a release is under way (not audited yet) leaves the incident open; the next one names the release", async () => {
    const { prisma, source, pass, incident, holder, waiter } = await stuckKey("it-stuck-inflight");
    await pass();
    expect((await incident()).status).toBe("open");

    // An action on the holder holds the store's lock on it from its check until its audit row is
    // written; in between, the holder has already been ended.
    let taken!: () => void;
    let finish!: () => void;
    const isTaken = new Promise<void>((r) => (taken = r));
    const done = new Promise<void>((r) => (finish = r));
    const action = prisma.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 AS ok FROM (SELECT pg_advisory_xact_lock(hashtextextended(${actionLockKey(source.id, holder.pid)}, 0))) s`;
        taken();
        await done;
      },
      { timeout: 20_000 },
    );
    await isTaken;
    // Ended (here by itself; the action's signal does the same).
    await holder.end();
    await sleep(100);
    await pass();
    expect((await incident()).status).toBe("open");

    const audit = await writeActionLog(prisma, {
      actor: "it-operator",
      action: "lock.release",
      sourceId: source.id,
      target: { pid: holder.pid },
      reason: "it: release in flight",
      before: null,
      outcome: "released",
      detail: {},
    });
    finish();
    await action;
    await waiter.end();
    await pass();
    const inc = await incident();
    expect(inc.status).toBe("resolved");
    expect((await getIncident(prisma, inc.id, { range: "1h" }))!.stuckLock!.resolution).toMatchObject({ releaseAuditId: audit.id });
    delete process.env.LOCKBOARD_STUCK_AFTER_SECONDS;
  });
});
