import { afterAll, describe, expect, inject, it } from "vitest";
import pg from "pg";
import { listMonitoredServers } from "@/e2e/support/test-servers";
import { openSession, randomBigKey, type Session } from "@/e2e/support/pg-sessions";
import { upsertSource } from "../sources/source-registry";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { getLockSnapshot } from "./get-lock-snapshot";
import { performLockAction } from "./lock-action";
import { closeMonitorPools } from "./monitor-pool";

const embeddedUrl = inject("embeddedUrl");
const servers = await listMonitoredServers(embeddedUrl);
const sessions: Session[] = [];
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.end()));
  await closeMonitorPools();
  await disconnectPrisma();
});
const src = (name: string) => ({ id: 0, name, maskedUrl: null, config: {} });

describe.each(servers)("lock snapshot caps on $name", (server) => {
  // The machine's server is shared with other test runs: hold fewer locks there.
  const held = server.url === embeddedUrl ? 5_000 : 500;
  const cap = server.url === embeddedUrl ? 1_000 : 100;

  it(`completes with ${held} held advisory locks and says it is capped`, async () => {
    const s = await openSession(server.url);
    sessions.push(s);
    const base = Number(randomBigKey() >> 20n);
    await s.client.query("SELECT count(pg_advisory_lock(g)) FROM generate_series($1::bigint, $1::bigint + $2 - 1) g", [base, held]);
    const snap = await getLockSnapshot(src(server.name), server.url, { maxLocks: cap });
    expect(snap.locks).toHaveLength(cap);
    expect(snap.caps).toMatchObject({ maxLocks: cap, locksCapped: true });
    expect(snap.caps.locksTotal).toBeGreaterThanOrEqual(held);
    expect(snap.locks.every((l) => l.locktype === "advisory" || !l.granted || snap.locks.filter((x) => x.locktype === "advisory").length === cap)).toBe(true);
    expect(snap.backends.find((b) => b.pid === s.pid)?.advisoryHeld).toBe(held);
    await s.client.query("SELECT pg_advisory_unlock_all()");
    const after = await getLockSnapshot(src(server.name), server.url, { maxLocks: cap });
    expect(after.caps.locksTotal).toBeLessThan(held);
  });
});

describe("a monitoring role without pg_monitor and pg_signal_backend", () => {
  it("is told so on the snapshot and refused when acting on another role's session", async () => {
    const role = `lockboard_it_limited_${Date.now()}`;
    const admin = new pg.Client({ connectionString: embeddedUrl });
    await admin.connect();
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'limited'`);
    try {
      const u = new URL(embeddedUrl);
      u.username = role;
      u.password = "limited";
      const limitedUrl = u.toString();
      const holder = await openSession(embeddedUrl);
      sessions.push(holder);
      const key = randomBigKey();
      await holder.client.query("SELECT pg_advisory_lock($1)", [key.toString()]);

      const snap = await getLockSnapshot(src("limited"), limitedUrl);
      expect(snap.rights).toMatchObject({ role, pgMonitor: false, pgSignalBackend: false });
      expect(snap.rights.messages.join(" ")).toMatch(/lacks pg_monitor.*GRANT pg_monitor/);
      expect(snap.rights.messages.join(" ")).toMatch(/lacks pg_signal_backend/);
      const hb = snap.backends.find((b) => b.pid === holder.pid)!;
      expect(hb.query).toBe("<insufficient privilege>");
      expect(hb.backendStart).toBeNull();
      const group = snap.advisory.find((g) => g.key.form === "bigint" && g.key.key === key.toString())!;

      const source = await upsertSource(getPrisma(), { name: `it-limited-${Date.now()}`, kind: "postgres", url: limitedUrl });
      const result = await performLockAction(getPrisma(), {
        actor: { name: "it", role: "operator" },
        source,
        url: limitedUrl,
        action: "release",
        input: { pid: holder.pid, backendStart: "2026-01-01T00:00:00+00:00", lock: group.target, reason: "no rights", endBlockingBackend: false },
      });
      expect(result).toMatchObject({ outcome: "refused", code: "insufficient_rights" });
      expect(result.message).toContain("pg_signal_backend");
      expect((await holder.client.query("SELECT 1 AS ok")).rows[0].ok).toBe(1);
    } finally {
      await closeMonitorPools();
      await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => {});
      await admin.end();
    }
  });
});
