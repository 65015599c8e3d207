import { randomBytes } from "node:crypto";
import { afterAll, beforeEach, describe, expect, inject, it } from "vitest";
import { createTestAppRole, openSession, startWaiting, waitUntilWaiting, type Session } from "@/e2e/support/pg-sessions";
import { getIncident } from "../incidents/get-incident";
import { ingestNdjson } from "../ingest/push-ingest";
import { listHolderImpact } from "../postgres/list-holder-impact";
import { sampleAllLockSources } from "../postgres/lock-sampler";
import { encodeBigintKey } from "../postgres/advisory-key";
import { performLockAction } from "../postgres/lock-action";
import { closeMonitorPools } from "../postgres/monitor-pool";
import { ADVISORY_LOCK_STUCK } from "../postgres/stuck-incident";
import { upsertSource } from "../sources/source-registry";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { describeAction } from "../audit/describe-action";
import { advisoryKeyCacheStats, entitiesForAdvisoryKeys, resetAdvisoryKeyCache } from "./advisory-key-cache";
import { advisoryKeysFor, AdvisoryMappingSchema } from "./advisory-mapping";

const embeddedUrl = inject("embeddedUrl");
const tag = `akc${randomBytes(4).toString("hex")}`;
// The demo's memory service: pg_advisory_xact_lock(hashtextextended('user-metadata:' || userId, 0)).
const mapping = AdvisoryMappingSchema.parse({
  userId: { hash: "hashtextextended", prefix: "user-metadata:" },
  [`${tag}_conv`]: { hash: "hashtext", classId: 7 },
  [`${tag}_acct`]: { hash: "none" },
});
const APP_KEY_SQL = "hashtextextended('user-metadata:' || $1, 0)";
const sessions: Session[] = [];
const role = await createTestAppRole(embeddedUrl, "lb_akc_it");
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.end()));
  await role.drop();
  await closeMonitorPools();
  await disconnectPrisma();
});
beforeEach(() => resetAdvisoryKeyCache());

const entity = (type: string, value: string) => getPrisma().entity.create({ data: { type, value, firstSeen: new Date(), lastSeen: new Date() } });
const appKey = async (value: string) => (await getPrisma().$queryRawUnsafe<{ k: string }[]>(`SELECT ${APP_KEY_SQL}::text AS k`, value))[0]!.k;

describe("advisory key → entity cache", () => {
  it("maps each key the way the application computes it, for every hash form, and back through advisoryKeysFor", async () => {
    const prisma = getPrisma();
    const user = `${tag}-user-1`;
    await entity("userId", user);
    await entity(`${tag}_conv`, "c-9");
    await entity(`${tag}_acct`, "123456789012");
    const [{ h }] = await prisma.$queryRaw<{ h: number }[]>`SELECT hashtext('c-9') AS h`;
    const k = await appKey(user);
    const found = await entitiesForAdvisoryKeys(prisma, [k, `(7, ${h})`, "123456789012", "42"], mapping);
    expect(found.get(k)).toEqual([{ type: "userId", value: user, via: "hashtextextended('user-metadata:' || userId)" }]);
    expect(found.get(`(7, ${h})`)).toEqual([expect.objectContaining({ type: `${tag}_conv`, value: "c-9" })]);
    expect(found.get("123456789012")).toEqual([expect.objectContaining({ type: `${tag}_acct` })]);
    expect(found.has("42")).toBe(false);
    // The entity timeline computes the same key forward.
    expect((await advisoryKeysFor(prisma, "userId", user, mapping))[0]?.label).toBe(k);
  });

  it("hashes only entities it has not seen yet, and finds a key it evicted directly", async () => {
    const prisma = getPrisma();
    const users = [`${tag}-a`, `${tag}-b`, `${tag}-c`];
    await entity("userId", users[0]);
    await entitiesForAdvisoryKeys(prisma, ["1"], mapping);
    const first = advisoryKeyCacheStats();
    await entitiesForAdvisoryKeys(prisma, ["1"], mapping);
    expect(advisoryKeyCacheStats().scannedId).toBe(first.scannedId);
    const late = await entity("userId", users[1]);
    const again = await entitiesForAdvisoryKeys(prisma, [await appKey(users[1])], mapping);
    expect(again.get(await appKey(users[1]))?.[0]?.value).toBe(users[1]);
    expect(advisoryKeyCacheStats().scannedId).toBe(late.id);

    resetAdvisoryKeyCache({ maxKeys: 1 });
    await entity("userId", users[2]);
    await entitiesForAdvisoryKeys(prisma, [await appKey(users[2])], mapping);
    expect(advisoryKeyCacheStats()).toMatchObject({ keys: 1, complete: false });
    const evicted = await entitiesForAdvisoryKeys(prisma, [await appKey(users[0])], mapping);
    expect(evicted.get(await appKey(users[0]))?.[0]?.value).toBe(users[0]);
  });

  it("names the entity of a key held in a real server, counts its timeouts, and links the lock-timeout incident to the stuck lock", async () => {
    process.env.LOCKBOARD_STUCK_AFTER_SECONDS = "0.3";
    process.env.LOCKBOARD_ENTITY_ADVISORY_KEYS = JSON.stringify(mapping);
    const prisma = getPrisma();
    const user = `${tag}-user-4217`;
    const source = await upsertSource(prisma, { name: `${tag}-pg`, kind: "postgres", url: embeddedUrl });
    const holder = await openSession(role.url, "memory-worker");
    const waiter = await openSession(role.url, "memory-service");
    sessions.push(holder, waiter);
    await holder.client.query("BEGIN");
    await holder.client.query(`SELECT pg_advisory_xact_lock(${APP_KEY_SQL})`, [user]);
    void startWaiting(waiter, `SELECT pg_advisory_xact_lock(${APP_KEY_SQL})`, [user]);
    await waitUntilWaiting(embeddedUrl, [waiter.pid]);
    const key = await appKey(user);
    await ingestNdjson(
      prisma,
      `${tag}-memory`,
      Buffer.from(
        JSON.stringify({
          time: new Date().toISOString(),
          level: "error",
          userId: user,
          lock_key: key,
          code: "55P03",
          msg: "failed to update user metadata after 3 retries: canceling statement due to lock timeout (waited 200ms)",
        }),
      ),
    );
    await new Promise((r) => setTimeout(r, 400));
    await sampleAllLockSources(prisma, undefined, [source.name]);

    const impact = await listHolderImpact(prisma, source.id, 15);
    const k = impact.keys.find((x) => x.key === key)!;
    expect(k.entities).toEqual([expect.objectContaining({ type: "userId", value: user })]);
    expect(k.windows.at(-1)).toMatchObject({ minutes: 15, waiters: 1, events: 1, longestWaitMs: expect.any(Number) });

    const stuck = await prisma.incident.findFirstOrThrow({ where: { sourceId: source.id, kind: ADVISORY_LOCK_STUCK } });
    const detail = (await getIncident(prisma, stuck.id, { range: "1h" }))!;
    expect(detail.stuckLock?.entities.map((e) => `${e.type}=${e.value}`)).toEqual([`userId=${user}`]);
    expect(detail.stuckLock?.related).toEqual([expect.objectContaining({ kind: "lock_timeout", source: `${tag}-memory`, via: `userId=${user}` })]);
    delete process.env.LOCKBOARD_STUCK_AFTER_SECONDS;
    delete process.env.LOCKBOARD_ENTITY_ADVISORY_KEYS;
  });

  it("a lock release's audit row names the entity its key stands for, and its sentence reads it", async () => {
    process.env.LOCKBOARD_ENTITY_ADVISORY_KEYS = JSON.stringify(mapping);
    const prisma = getPrisma();
    const user = `${tag}-user-9`;
    await entity("userId", user);
    const source = await upsertSource(prisma, { name: `${tag}-release`, kind: "postgres", url: embeddedUrl });
    const holder = await openSession(role.url, "memory-worker");
    sessions.push(holder);
    await holder.client.query("BEGIN");
    await holder.client.query(`SELECT pg_advisory_xact_lock(${APP_KEY_SQL})`, [user]);
    const key = await appKey(user);
    const [{ backend_start }] = (
      await holder.client.query<{ backend_start: string }>(
        "SELECT to_json(backend_start) #>> '{}' AS backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()",
      )
    ).rows;
    const [{ oid }] = (await holder.client.query<{ oid: number }>("SELECT oid::int FROM pg_database WHERE datname = current_database()")).rows;
    const result = await performLockAction(prisma, {
      actor: { name: "it-operator", role: "operator" },
      source,
      url: embeddedUrl,
      action: "release",
      input: {
        pid: holder.pid,
        backendStart: backend_start,
        lock: { locktype: "advisory", database: oid, ...encodeBigintKey(key) },
        reason: "entity test",
        endBlockingBackend: false,
      },
    });
    expect(result.outcome).toBe("released");
    const row = await prisma.actionLog.findUniqueOrThrow({ where: { id: result.auditId } });
    expect(row.target).toMatchObject({ entities: [{ type: "userId", value: user }] });
    expect(describeAction({ ...row, source: source.name })).toContain(
      `released advisory lock ${key} (${user}) held by pid ${holder.pid} (memory-worker, role ${role.role}) on ${source.name}: terminated`,
    );
    delete process.env.LOCKBOARD_ENTITY_ADVISORY_KEYS;
  });
});
