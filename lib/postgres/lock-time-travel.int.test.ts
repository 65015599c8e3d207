import { afterAll, describe, expect, inject, it } from "vitest";
import { openSession, randomBigKey, startWaiting, waitUntilWaiting, type Session } from "@/e2e/support/pg-sessions";
import { upsertSource } from "../sources/source-registry";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { getLockSnapshot } from "./get-lock-snapshot";
import { getLockSnapshotAt } from "./get-lock-snapshot-at";
import { listLockHistory } from "./list-lock-history";
import { closeMonitorPools } from "./monitor-pool";
import { SAMPLE_QUERY_CHARS, writeLockSamples } from "./write-lock-samples";

const embeddedUrl = inject("embeddedUrl");
const sessions: Session[] = [];
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.end()));
  await closeMonitorPools();
  await disconnectPrisma();
});

const until = async (check: () => Promise<boolean>) => {
  for (let i = 0; i < 100 && !(await check()); i++) await new Promise((r) => setTimeout(r, 100));
};

describe("lock time travel (?at=)", () => {
  it("answers the last sample at or before `at`, as it was, and nothing sampled later", async () => {
    const prisma = getPrisma();
    const source = await upsertSource(prisma, { name: `it-time-travel-${Date.now()}`, kind: "postgres", url: embeddedUrl });
    const src = { id: source.id, name: source.name, maskedUrl: source.maskedUrl };
    const key = randomBigKey().toString();
    const [a, w, c] = [await openSession(embeddedUrl, "holder-a"), await openSession(embeddedUrl, "waiter-w"), await openSession(embeddedUrl, "late-c")];
    sessions.push(a, w, c);

    // A holds the key inside a long transaction with a long statement text; W waits for it.
    await a.client.query("BEGIN");
    await a.client.query(`SELECT pg_advisory_xact_lock($1) /* ${"x".repeat(400)} */`, [key]);
    const wGot = startWaiting(w, "SELECT pg_advisory_lock($1)", [key]);
    await waitUntilWaiting(embeddedUrl, [w.pid]);
    const snapA = await getLockSnapshot(source, embeddedUrl);
    const base = Date.now() - 10 * 60_000;
    const t1 = new Date(base);
    const t2 = new Date(base + 10_000);
    const t3 = new Date(base + 20_000);
    await writeLockSamples(prisma, source.id, { ...snapA, takenAt: t1.toISOString() }, 500);
    await writeLockSamples(prisma, source.id, { ...snapA, takenAt: t2.toISOString() }, 500);

    // A commits: W holds the key now and C, new, waits for W.
    await a.client.query("COMMIT");
    expect(await wGot).toBe("acquired");
    void startWaiting(c, "SELECT pg_advisory_lock($1)", [key]);
    await waitUntilWaiting(embeddedUrl, [c.pid]);
    let snapB = await getLockSnapshot(source, embeddedUrl);
    await until(async () => (snapB = await getLockSnapshot(source, embeddedUrl)).advisory.some((g) => g.key.label === key && g.holders[0]?.pid === w.pid));
    await writeLockSamples(prisma, source.id, { ...snapB, takenAt: t3.toISOString() }, 500);

    const past = await getLockSnapshotAt(prisma, src, new Date(t2.getTime() + 3_000));
    if (!past.found) throw new Error("expected a sample");
    expect(past).toMatchObject({ sampled: true, asOf: t2.toISOString(), takenAt: t2.toISOString(), offsetMs: 3_000, rowsCapped: false });
    const group = past.advisory.find((g) => g.key.label === key)!;
    expect(group.holders.map((h) => h.pid)).toEqual([a.pid]);
    expect(group.waiters.map((x) => x.pid)).toEqual([w.pid]);
    expect(group.target).toEqual(snapA.advisory.find((g) => g.key.label === key)!.target);
    // The blocking tree as it was: A the root, W under it.
    const root = past.tree.find((n) => n.pid === a.pid)!;
    expect(root.children.map((n) => n.pid)).toEqual([w.pid]);
    const holder = past.backends.find((b) => b.pid === a.pid)!;
    expect(holder).toMatchObject({
      application: "holder-a",
      state: "idle in transaction",
      backendStart: snapA.backends.find((b) => b.pid === a.pid)!.backendStart,
    });
    expect(holder.xactAgeMs).toBeGreaterThanOrEqual(0);
    expect(holder.query!.length).toBe(SAMPLE_QUERY_CHARS);
    expect(holder.query).toContain("pg_advisory_xact_lock");
    expect(past.backends.find((b) => b.pid === w.pid)!.blockedBy).toEqual([a.pid]);
    // Nothing from the later sample: C did not exist yet, W held nothing.
    expect(past.backends.some((b) => b.pid === c.pid)).toBe(false);
    expect(past.locks.some((l) => l.pid === w.pid && l.granted && l.objectKey === group.objectKey)).toBe(false);

    // One millisecond before the next sample is still the earlier one; at it, the later one.
    const justBefore = await getLockSnapshotAt(prisma, src, new Date(t3.getTime() - 1));
    expect(justBefore).toMatchObject({ found: true, asOf: t2.toISOString(), offsetMs: 9_999 });
    const later = await getLockSnapshotAt(prisma, src, t3);
    if (!later.found) throw new Error("expected a sample");
    expect(later).toMatchObject({ asOf: t3.toISOString(), offsetMs: 0 });
    expect(later.advisory.find((g) => g.key.label === key)!.holders.map((h) => h.pid)).toEqual([w.pid]);
    expect(later.tree.find((n) => n.pid === w.pid)!.children.map((n) => n.pid)).toEqual([c.pid]);

    // Before the first sample: an explicit "nothing", never the live picture.
    const before = await getLockSnapshotAt(prisma, src, new Date(t1.getTime() - 1_000));
    expect(before).toEqual({
      sampled: true,
      found: false,
      at: new Date(t1.getTime() - 1_000).toISOString(),
      asOf: null,
      offsetMs: null,
      oldestSample: t1.toISOString(),
    });

    // The history draws A's hold from its transaction's start, before the first sample saw it.
    const history = await listLockHistory(prisma, source.id, { minutes: 30, keys: 20 }, 1000);
    const spans = history.keys.find((k) => k.key === key)!.spans;
    const spanA = spans.find((s) => s.pid === a.pid)!;
    expect(spanA).toMatchObject({ from: t1.toISOString(), to: t2.toISOString(), samples: 2 });
    const xactAge = snapA.backends.find((b) => b.pid === a.pid)!.xactAgeMs!;
    expect(new Date(spanA.since!).getTime()).toBe(t1.getTime() - xactAge);
    // W's hold began after t2 (t2 did not see it): never drawn earlier than that sample.
    const spanW = spans.find((s) => s.pid === w.pid)!;
    expect(spanW.from).toBe(t3.toISOString());
    expect(spanW.since === null || new Date(spanW.since).getTime() >= t2.getTime()).toBe(true);
    await Promise.all([a, w, c].map((s) => s.end()));
  });

  it("keeps a blocker that holds no advisory lock, within the row cap", async () => {
    const prisma = getPrisma();
    const source = await upsertSource(prisma, { name: `it-time-travel-rows-${Date.now()}`, kind: "postgres", url: embeddedUrl });
    const table = `it_tt_${Date.now()}`;
    const [ddl, reader] = [await openSession(embeddedUrl, "ddl-holder"), await openSession(embeddedUrl, "reader")];
    sessions.push(ddl, reader);
    await ddl.client.query(`CREATE TABLE ${table} (id int)`);
    await ddl.client.query("BEGIN");
    await ddl.client.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
    const read = startWaiting(reader, `SELECT count(*) FROM ${table}`);
    await waitUntilWaiting(embeddedUrl, [reader.pid]);
    const snap = await getLockSnapshot(source, embeddedUrl);
    const at = new Date(Date.now() - 60_000);
    const written = await writeLockSamples(prisma, source.id, { ...snap, takenAt: at.toISOString() }, 1);
    await ddl.client.query("ROLLBACK");
    await read;
    await ddl.client.query(`DROP TABLE ${table}`);

    expect(written).toBe(2);
    const past = await getLockSnapshotAt(prisma, { id: source.id, name: source.name, maskedUrl: null }, at);
    if (!past.found) throw new Error("expected a sample");
    // One row allowed: the reader's wait is kept, the DDL holder's backend row is not, and the answer says so.
    expect(past.locks.filter((l) => l.pid === reader.pid && !l.granted)).toHaveLength(1);
    expect(past.rowsCapped).toBe(true);

    const roomy = new Date(at.getTime() + 1_000);
    await writeLockSamples(prisma, source.id, { ...snap, takenAt: roomy.toISOString() }, 500);
    const full = await getLockSnapshotAt(prisma, { id: source.id, name: source.name, maskedUrl: null }, roomy);
    if (!full.found) throw new Error("expected a sample");
    expect(full.rowsCapped).toBe(false);
    expect(full.tree.find((n) => n.pid === ddl.pid)!.children.map((n) => n.pid)).toContain(reader.pid);
    expect(full.backends.find((b) => b.pid === ddl.pid)).toMatchObject({ application: "ddl-holder", state: "idle in transaction" });
  });
});
