import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { upsertSource } from "../sources/source-registry";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { getSpikeContext } from "./spike-context";

const tag = `spk${randomBytes(4).toString("hex")}`;
const at = new Date(Date.UTC(2025, 0, 1, 3, Math.floor(Math.random() * 60)));

afterAll(() => disconnectPrisma());

describe("spike context", () => {
  it("puts the incident's own server and watching processes first, the rest apart", async () => {
    const prisma = getPrisma();
    const pg = await upsertSource(prisma, { name: `${tag}-pg`, kind: "postgres", url: "postgresql://u:p@127.0.0.1:6543/app" });
    const mongo = await upsertSource(prisma, { name: `${tag}-mongo`, kind: "mongodb", url: "mongodb://127.0.0.1:6544" });
    const log = await upsertSource(prisma, { name: `${tag}-model`, kind: "log" });
    const fds = await upsertSource(prisma, { name: `${tag}-model-fds`, kind: "process", config: { pid: 1, eventSources: [log.name] } });
    await prisma.lockSample.createMany({
      data: [
        { sourceId: pg.id, sampledAt: at, pid: 0, lockType: "summary", mode: "", granted: true, waitMs: 900, data: { waiters: 3, stuck: 1, locksTotal: 11 } },
        {
          sourceId: pg.id,
          sampledAt: at,
          pid: 10,
          lockType: "advisory",
          mode: "ExclusiveLock",
          granted: true,
          objectKey: `${tag}:k`,
          data: { key: "6705", application: "memory-worker", stuck: "idle in transaction" },
        },
        { sourceId: pg.id, sampledAt: at, pid: 11, lockType: "advisory", mode: "ExclusiveLock", granted: false, objectKey: `${tag}:k`, data: { key: "6705" } },
      ],
    });
    await prisma.capacitySample.createMany({
      data: [
        { sourceId: pg.id, sampledAt: at, metric: "pg_connections", value: 30, limit: 100 },
        { sourceId: mongo.id, sampledAt: at, metric: "mongo_connections", value: 5, limit: 1000 },
        { sourceId: fds.id, sampledAt: at, metric: "open_fds", value: 65, limit: 64 },
      ],
    });
    const pick = <T extends { source: string }>(xs: T[], name: string) => xs.find((x) => x.source === name)!;

    // A duplicate key on the database: its server's picture is related, the stuck lock of another app and the model server's fds are not.
    const dup = await getSpikeContext(prisma, at, { sourceId: pg.id, lockKind: false, advisoryKeys: [] });
    expect(pick(dup.locks, pg.name)).toMatchObject({ related: true, why: "this incident's source", maxWaiters: 3 });
    expect(pick(dup.locks, pg.name).contendedKeys).toEqual([
      { key: "6705", waiters: 1, holders: [10], applications: ["memory-worker"], stuck: true, related: false },
    ]);
    expect(pick(dup.capacity, pg.name).related).toBe(true);
    expect(pick(dup.capacity, mongo.name)).toMatchObject({ related: false, why: "another server" });
    expect(pick(dup.capacity, fds.name)).toMatchObject({ related: false, why: "another process" });

    // A lock timeout on the same database: its locks are the context.
    const lock = await getSpikeContext(prisma, at, { sourceId: pg.id, lockKind: true, advisoryKeys: [] });
    expect(pick(lock.locks, pg.name).contendedKeys[0]!.related).toBe(true);

    // The model server's EMFILE (a log source): the process source watching it is related, the database not.
    const emfile = await getSpikeContext(prisma, at, { sourceId: log.id, lockKind: false, advisoryKeys: [] });
    expect(pick(emfile.capacity, fds.name)).toMatchObject({ related: true, why: `watches ${log.name}'s process (config.eventSources)` });
    expect(pick(emfile.locks, pg.name).related).toBe(false);

    // An app's lock timeout naming the key: the server holding that key is related through it.
    const app = await getSpikeContext(prisma, at, { sourceId: log.id, lockKind: true, advisoryKeys: ["6705"] });
    expect(pick(app.locks, pg.name)).toMatchObject({ related: true, why: "holds the lock this incident names" });
  });
});
