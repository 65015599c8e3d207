import { afterAll, describe, expect, inject, it } from "vitest";
import { openSession, randomBigKey, startWaiting, waitUntilWaiting, type Session } from "@/e2e/support/pg-sessions";
import { upsertSource } from "../sources/source-registry";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { listLockHistory } from "./list-lock-history";
import { sampleAllLockSources } from "./lock-sampler";
import { closeMonitorPools } from "./monitor-pool";
import { ADVISORY_LOCK_STUCK } from "./stuck-incident";

const embeddedUrl = inject("embeddedUrl");
const sessions: Session[] = [];
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.end()));
  await closeMonitorPools();
  await disconnectPrisma();
});

describe("lock sampler", () => {
  it("records samples, raises one incident per stuck key, builds a timeline and trims old rows", async () => {
    process.env.LOCKBOARD_STUCK_AFTER_SECONDS = "0.3";
    const prisma = getPrisma();
    const source = await upsertSource(prisma, { name: `it-sampler-${Date.now()}`, kind: "postgres", url: embeddedUrl });
    const down = await upsertSource(prisma, { name: `it-sampler-down-${Date.now()}`, kind: "postgres", url: "postgresql://nobody:secret-pw@127.0.0.1:1/x" });
    const key = randomBigKey();
    const holder = await openSession(embeddedUrl);
    const waiter = await openSession(embeddedUrl);
    sessions.push(holder, waiter);
    await holder.client.query("SELECT pg_advisory_lock($1)", [key.toString()]);
    void startWaiting(waiter, "SELECT pg_advisory_lock($1)", [key.toString()]);
    await waitUntilWaiting(embeddedUrl, [waiter.pid]);
    await new Promise((r) => setTimeout(r, 400));

    const old = new Date(Date.now() - 48 * 3_600_000);
    await prisma.lockSample.create({ data: { sourceId: source.id, sampledAt: old, pid: 1, lockType: "summary", mode: "", granted: true, blockingPids: [] } });
    for (let i = 0; i < 3; i++) {
      const results = await sampleAllLockSources(prisma);
      expect(results.find((r) => r.source === source.name)).toMatchObject({ ok: true, stuck: 1 });
      const bad = results.find((r) => r.source === down.name)!;
      expect(bad.ok).toBe(false);
      expect(bad.error).not.toContain("secret-pw");
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await prisma.lockSample.count({ where: { sourceId: source.id, sampledAt: old } })).toBe(0);
    const waits = await prisma.lockSample.findMany({ where: { sourceId: source.id, pid: waiter.pid, granted: false } });
    expect(waits).toHaveLength(3);
    expect(waits[0]).toMatchObject({ lockType: "advisory", blockingPids: [holder.pid], data: { key: key.toString(), application: "lockboard-test-app" } });
    expect((await prisma.source.findUniqueOrThrow({ where: { id: down.id } })).healthStatus).toBe("down");

    const incidents = await prisma.incident.findMany({ where: { sourceId: source.id, kind: ADVISORY_LOCK_STUCK } });
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ count: 3, status: "open", title: `Advisory lock ${key} in postgres stuck on ${source.name}` });

    const history = await listLockHistory(prisma, source.id, { minutes: 10, keys: 20 }, 1000);
    expect(history.series.length).toBeGreaterThanOrEqual(1);
    expect(Math.max(...history.series.map((p) => p.waiters))).toBeGreaterThanOrEqual(1);
    expect(Math.max(...history.series.map((p) => p.longestWaitMs ?? 0))).toBeGreaterThanOrEqual(300);
    const timeline = history.keys.find((k) => k.key === key.toString())!;
    expect(timeline.spans).toEqual([expect.objectContaining({ pid: holder.pid, samples: 3, application: "lockboard-test-app" })]);
    delete process.env.LOCKBOARD_STUCK_AFTER_SECONDS;
  });
});
