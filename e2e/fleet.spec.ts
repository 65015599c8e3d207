// Three dashboard instances on one store (separate processes, as `npm start` serves the build),
// monitoring a real PostgreSQL with a real advisory lock held and real unique violations in its
// log: every source is sampled and tailed by one instance per tick, a kill -9 is taken over
// within two intervals, and sign-in attempts spread over the instances meet one limit.
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { dropTable, provokeUniqueViolation } from "./support/pg-provoke";
import { readE2EState, runScript, storageStateFor } from "./support/e2e-state";
import { type DashboardProcess, query, startDashboard, waitHealthy } from "./support/fleet-servers";
import { openSession, randomBigKey } from "./support/pg-sessions";

const INTERVAL_S = 2;
const SIGNIN_LIMIT = 6;
const SOURCES = ["fleet-a", "fleet-b", "fleet-c"];
const TABLE = `fleet_visit_${randomBytes(3).toString("hex")}`;

const cleanups: (() => Promise<unknown>)[] = [];
test.afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

type Sample = { name: string; at: Date };
const gapsOf = (rows: Sample[], name: string) => {
  const times = rows.filter((r) => r.name === name).map((r) => r.at.getTime());
  return times.slice(1).map((t, i) => t - times[i]!);
};

test("three instances share the work: each sample and log line once, a killed instance taken over, one sign-in limit", async () => {
  test.setTimeout(240_000);
  const embedded = readE2EState().embeddedUrl;
  expect(embedded, "the e2e dashboard runs on the embedded server").toBeTruthy();
  // One store for the three, created and migrated by the CLI as a user would.
  const store = embedded!.replace(/\/postgres$/, `/lockboard_fleet_${randomBytes(4).toString("hex")}`);
  runScript("user", ["list"], store);
  cleanups.push(() => dropTable(store, TABLE));

  // A real lock held on the monitored database (the store's own, scoped to it).
  const holder = await openSession(store, "fleet-e2e-holder");
  cleanups.push(() => holder.end());
  await holder.client.query("SELECT pg_advisory_lock($1)", [randomBigKey().toString()]);

  const sources = JSON.stringify(SOURCES.map((name) => ({ name, kind: "postgres", url: store, config: { scope: "database" } })));
  const env = {
    DATABASE_URL: store,
    LOCKBOARD_SOURCES: sources,
    LOCKBOARD_LOCK_SAMPLE_SECONDS: String(INTERVAL_S),
    LOCKBOARD_CAPACITY_INTERVAL_SECONDS: String(INTERVAL_S),
    LOCKBOARD_PG_LOG_TAIL_SECONDS: String(INTERVAL_S),
    LOCKBOARD_SIGNIN_RATE_PER_MINUTE: String(SIGNIN_LIMIT),
  };
  const servers: DashboardProcess[] = [];
  for (let i = 0; i < 3; i++) servers.push(await startDashboard(env));
  for (const s of servers) cleanups.push(() => s.stop());
  await Promise.all(servers.map((s) => waitHealthy(s)));

  // --- Sign-in: attempts spread round-robin over the three meet one limit (the same client address).
  const statuses: number[] = [];
  for (let i = 0; i < SIGNIN_LIMIT + 2; i++) {
    const s = servers[i % 3]!;
    const res = await fetch(`${s.url}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: s.url },
      body: JSON.stringify({ email: `nobody-${i}@fleet.test`, password: "wrong-password-x" }),
    });
    statuses.push(res.status);
  }
  expect(statuses).toEqual([...Array(SIGNIN_LIMIT).fill(401), 429, 429]);
  console.log(`[fleet] sign-in attempts round-robin over 3 instances: ${statuses.join(" ")} (limit ${SIGNIN_LIMIT})`);

  // --- The leases settle one lock source per instance (a fair share of the live instances).
  const leaseOwners = async (job: string) =>
    query<{ subject: string; owner: string }>(store, `SELECT subject, owner FROM "JobLease" WHERE job = $1 AND "expiresAt" > now() ORDER BY subject`, [job]);
  await expect
    .poll(async () => new Set((await leaseOwners("lock-sampler")).map((l) => l.owner)).size, {
      timeout: 60_000,
      message: servers.map((s) => s.output()).join("\n"),
    })
    .toBe(3);
  const instances = await query<{ id: string; pid: number }>(store, `SELECT id, pid FROM "Instance" WHERE "stoppedAt" IS NULL`);
  expect(instances.map((i) => i.pid).sort()).toEqual(servers.map((s) => s.proc.pid).sort());

  // --- Watch eight intervals, with unique violations landing in the server's log meanwhile.
  const from = new Date();
  const uuids: string[] = [];
  for (let i = 0; i < 4; i++) {
    uuids.push(await provokeUniqueViolation(store, TABLE));
    await new Promise((r) => setTimeout(r, (INTERVAL_S * 1000 * 8) / 4));
  }
  const to = new Date();
  const lockSamples = await query<Sample>(
    store,
    `SELECT s.name, l."sampledAt" AS at FROM "LockSample" l JOIN "Source" s ON s.id = l."sourceId"
     WHERE l."lockType" = 'summary' AND l."sampledAt" BETWEEN $1 AND $2 ORDER BY s.name, l."sampledAt"`,
    [from, to],
  );
  const capacitySamples = await query<Sample>(
    store,
    `SELECT s.name, c."sampledAt" AS at FROM "CapacitySample" c JOIN "Source" s ON s.id = c."sourceId"
     WHERE c.metric = 'pg_connections' AND c."sampledAt" BETWEEN $1 AND $2 ORDER BY s.name, c."sampledAt"`,
    [from, to],
  );
  const expected = (to.getTime() - from.getTime()) / (INTERVAL_S * 1000);
  for (const name of SOURCES) {
    const lg = gapsOf(lockSamples, name);
    const cg = gapsOf(capacitySamples, name);
    console.log(
      `[fleet] ${name}: ${lockSamples.filter((r) => r.name === name).length} lock / ${capacitySamples.filter((r) => r.name === name).length} capacity samples in ${((to.getTime() - from.getTime()) / 1000).toFixed(1)} s ` +
        `(one instance alone: ${expected.toFixed(1)}); lock gaps ${Math.min(...lg)}–${Math.max(...lg)} ms, capacity gaps ${Math.min(...cg)}–${Math.max(...cg)} ms`,
    );
  }
  for (const name of SOURCES) {
    for (const [what, rows] of [
      ["lock", lockSamples],
      ["capacity", capacitySamples],
    ] as const) {
      const gaps = gapsOf(rows, name);
      const n = rows.filter((r) => r.name === name).length;
      // What one instance alone stores in this time (one per interval), not three times that.
      expect(n, `${what} samples of ${name}: ${gaps.join(", ")}`).toBeGreaterThanOrEqual(Math.floor(expected * 0.6));
      expect(n, `${what} samples of ${name}`).toBeLessThanOrEqual(Math.ceil(expected) + 1);
      // No two instances sampled one tick (two samples closer than half an interval), no gap past two.
      expect(Math.min(...gaps), `${what} gaps of ${name}`).toBeGreaterThan(INTERVAL_S * 500);
      expect(Math.max(...gaps), `${what} gaps of ${name}`).toBeLessThanOrEqual(INTERVAL_S * 2000);
    }
  }
  // The held lock is in every lock sample of every source, once per sample.
  const held = await query<{ name: string; n: number }>(
    store,
    `SELECT s.name, count(*)::int AS n FROM "LockSample" l JOIN "Source" s ON s.id = l."sourceId"
     WHERE l."lockType" = 'advisory' AND l.pid = $1 AND l."sampledAt" BETWEEN $2 AND $3 GROUP BY s.name ORDER BY s.name`,
    [holder.pid, from, to],
  );
  expect(held).toEqual(SOURCES.map((name) => ({ name, n: lockSamples.filter((r) => r.name === name).length })));
  // Each violation's log record is stored once, whichever instance tailed it.
  const eventsOf = async (uuid: string) =>
    (await query<{ n: number }>(store, `SELECT count(*)::int AS n FROM "Event" WHERE kind = 'duplicate_key' AND raw LIKE '%' || $1 || '%'`, [uuid]))[0]!.n;
  for (const uuid of uuids) await expect.poll(() => eventsOf(uuid), { timeout: 20_000, message: uuid }).toBe(1);
  // Under one source: three sources reach the server, its log is read under one of them.
  const readers = await query<{ sourceId: number }>(
    store,
    `SELECT DISTINCT "sourceId" FROM "Event" WHERE kind = 'duplicate_key' AND raw LIKE '%' || $1 || '%'`,
    [TABLE],
  );
  expect(readers).toHaveLength(1);

  // --- kill -9 the instance that tails the log (and holds a lock source): taken over within two intervals.
  const [tail] = await leaseOwners("pg-log-tail");
  const victimInstance = instances.find((i) => i.id === tail!.owner)!;
  const victim = servers.find((s) => s.proc.pid === victimInstance.pid)!;
  const victimLocks = (await leaseOwners("lock-sampler")).filter((l) => l.owner === victimInstance.id).map((l) => l.subject);
  expect(victimLocks.length).toBeGreaterThan(0);
  await victim.kill9();
  const killedAt = new Date();
  const afterKill = await provokeUniqueViolation(store, TABLE);
  const firstSampleAfter = async (name: string, after = killedAt) =>
    (
      await query<{ at: Date | null }>(
        store,
        `SELECT min(l."sampledAt") AS at FROM "LockSample" l JOIN "Source" s ON s.id = l."sourceId" WHERE s.name = $1 AND l."lockType" = 'summary' AND l."sampledAt" > $2`,
        [name, after],
      )
    )[0]!.at;
  for (const name of victimLocks) {
    await expect.poll(() => firstSampleAfter(name), { timeout: 20_000 }).not.toBeNull();
    const took = (await firstSampleAfter(name))!.getTime() - killedAt.getTime();
    console.log(`[fleet] kill -9 of ${victimInstance.id}: ${name} sampled again ${took} ms after the kill (interval ${INTERVAL_S * 1000} ms)`);
    expect(took, `${name} sampled again ${took} ms after the kill`).toBeLessThanOrEqual(INTERVAL_S * 2000);
  }
  const survivors = instances.filter((i) => i.id !== victimInstance.id).map((i) => i.id);
  await expect.poll(async () => survivors.includes((await leaseOwners("pg-log-tail"))[0]?.owner ?? ""), { timeout: 20_000 }).toBe(true);
  await expect.poll(async () => (await leaseOwners("lock-sampler")).filter((l) => survivors.includes(l.owner)).length, { timeout: 20_000 }).toBe(3);
  // The new tailer resumes from the fenced checkpoint: the line after the kill once, the earlier ones still once.
  await expect.poll(() => eventsOf(afterKill), { timeout: 30_000 }).toBe(1);
  for (const uuid of uuids) expect(await eventsOf(uuid)).toBe(1);

  // --- A clean stop hands the leases back at once and says so.
  const leaving = servers.find((s) => s !== victim)!;
  const leavingId = instances.find((i) => i.pid === leaving.proc.pid)!.id;
  const leavingLocks = (await leaseOwners("lock-sampler")).filter((l) => l.owner === leavingId).map((l) => l.subject);
  expect(leavingLocks.length).toBeGreaterThan(0);
  const stoppingAt = new Date();
  await leaving.stop();
  expect(leaving.output()).toContain("[lockboard] background jobs stopped");
  const [row] = await query<{ stopped: boolean; held: number }>(
    store,
    `SELECT "stoppedAt" IS NOT NULL AS stopped, (SELECT count(*)::int FROM "JobLease" WHERE owner = $1 AND "expiresAt" > now()) AS held FROM "Instance" WHERE id = $1`,
    [leavingId],
  );
  expect(row).toEqual({ stopped: true, held: 0 });
  const last = instances.find((i) => i.id !== victimInstance.id && i.id !== leavingId)!.id;
  await expect.poll(async () => (await leaseOwners("lock-sampler")).filter((l) => l.owner === last).length, { timeout: 20_000 }).toBe(3);
  // A rolling restart's stop leaves no gap past two intervals in the sources it worked.
  for (const name of leavingLocks) {
    await expect.poll(() => firstSampleAfter(name, new Date(Date.now() - INTERVAL_S * 1000)), { timeout: 20_000 }).not.toBeNull();
    const around = await query<Sample>(
      store,
      `SELECT s.name, l."sampledAt" AS at FROM "LockSample" l JOIN "Source" s ON s.id = l."sourceId"
       WHERE s.name = $1 AND l."lockType" = 'summary' AND l."sampledAt" > $2 ORDER BY l."sampledAt"`,
      [name, new Date(stoppingAt.getTime() - INTERVAL_S * 2000)],
    );
    const gaps = gapsOf(around, name);
    console.log(`[fleet] clean stop of ${leavingId}: ${name} sample gaps around the handover ${gaps.join(", ")} ms`);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(INTERVAL_S * 2000);
  }
});

test("Settings lists the instances and which holds which lease, for admins only", async ({ page, request, playwright, baseURL }) => {
  const api = await request.get("/api/fleet");
  expect(api.status()).toBe(200);
  const body = (await api.json()) as {
    instances: { state: string; self: boolean; leases: number }[];
    leases: { job: string; subject: string; state: string }[];
  };
  expect(body.instances.filter((i) => i.state === "alive" && i.self)).toHaveLength(1);
  expect(body.leases.some((l) => l.job === "lock-sampler" && l.subject === "demo-pg" && l.state === "held")).toBe(true);
  const viewer = await playwright.request.newContext({ baseURL, storageState: storageStateFor("viewer") });
  expect((await viewer.get("/api/fleet")).status()).toBe(403);
  await viewer.dispose();
  const bad = await request.get("/api/fleet?goneWithinMinutes=soon");
  expect(bad.status()).toBe(400);
  expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('"goneWithinMinutes"');

  await page.goto("/settings");
  const panel = page.getByRole("region", { name: "Instances" });
  await expect(panel.getByTestId("fleet-instance").filter({ hasText: "this one" })).toHaveAttribute("data-state", "alive", { timeout: 20_000 });
  await expect(panel.getByTestId("fleet-lease").filter({ hasText: "Lock sampler" }).filter({ hasText: "demo-pg" })).toBeVisible();
});
