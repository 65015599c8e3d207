import { randomBytes } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as timelineRoute } from "@/app/api/entities/[type]/[...key]/route";
import { GET as searchRoute } from "@/app/api/entities/route";
import { signInAs } from "@/lib/auth/test-sessions";
import { ingestNdjson } from "@/lib/ingest/push-ingest";
import { disconnectPrisma, getPrisma } from "@/lib/store/prisma";
import { advisoryKeysFor } from "./advisory-mapping";
import { getEntityTimeline } from "./get-entity-timeline";

const tag = `et${randomBytes(4).toString("hex")}`;
const A = `${tag}-api`;
const B = `${tag}-worker`;
const DB = `${tag}-pg`;
const msg = `${tag}-msg-1`;
const t0 = Date.now() - 20 * 60_000;
const at = (s: number) => new Date(t0 + s * 1000);
let viewer: Promise<string>;
const signedIn = async (url: string) => new NextRequest(url, { headers: { cookie: await viewer } });

async function timeline(type: string, key: string, qs = "") {
  const res = await timelineRoute(await signedIn(`http://127.0.0.1/api/entities/${type}/${encodeURIComponent(key)}${qs}`), {
    params: Promise.resolve({ type, key: [key] }),
  });
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  viewer = signInAs("viewer");
  const prisma = getPrisma();
  // The same message id seen by the API (a 429 then an E11000 on retry) and by the worker in between.
  await ingestNdjson(
    prisma,
    A,
    Buffer.from(
      [
        JSON.stringify({ time: at(0).toISOString(), level: "error", messageId: msg, userId: "42", msg: "upstream 503 from provider, retrying" }),
        JSON.stringify({
          time: at(20).toISOString(),
          level: "error",
          messageId: msg,
          msg: `E11000 duplicate key error collection: chat.messages index: messageId_1 dup key: { messageId: "${msg}" }`,
        }),
      ].join("\n"),
    ),
  );
  await ingestNdjson(prisma, B, Buffer.from(JSON.stringify({ time: at(10).toISOString(), level: "warn", messageId: msg, msg: "saving message took 9000 ms" })));
  const pg = await prisma.source.create({ data: { name: DB, kind: "postgres" } });
  const fw = await prisma.failedWrite.create({
    data: {
      sourceId: pg.id,
      namespace: "public.messages",
      operation: "insert",
      idempotencyKey: { messageId: msg },
      keyHash: tag,
      payload: { messageId: msg },
      error: "E11000",
      errorKind: "duplicate_key",
      occurredAt: at(21),
    },
  });
  await prisma.failedWriteAttempt.create({
    data: { failedWriteId: fw.id, attempt: 1, worker: "w", startedAt: at(30), finishedAt: at(30), outcome: "applied" },
  });
  await prisma.failedWrite.create({
    data: {
      sourceId: pg.id,
      namespace: "public.users",
      operation: "upsert",
      idempotencyKey: { user_id: 42 },
      keyHash: `${tag}u`,
      payload: {},
      error: "lock timeout",
      errorKind: "lock_timeout",
      occurredAt: at(5),
    },
  });
  // userId 42 maps to pg_advisory_lock(42): a backend held it for three samples, another waited.
  const objectKey = `advisory:99${tag.length}:0:42:1`;
  for (const s of [2, 4, 6]) {
    await prisma.lockSample.create({
      data: {
        sourceId: pg.id,
        sampledAt: at(s),
        pid: 7001,
        lockType: "advisory",
        mode: "ExclusiveLock",
        granted: true,
        objectKey,
        blockingPids: [],
        data: { key: "42", application: "api" },
      },
    });
  }
  await prisma.lockSample.create({
    data: {
      sourceId: pg.id,
      sampledAt: at(4),
      pid: 7002,
      lockType: "advisory",
      mode: "ExclusiveLock",
      granted: false,
      objectKey,
      waitMs: 2000,
      blockingPids: [7001],
      data: { key: "42" },
    },
  });
});
afterAll(async () => {
  await getPrisma().source.deleteMany({ where: { name: { in: [A, B, DB] } } });
  await disconnectPrisma();
});

describe("entity timeline", () => {
  it("merges events from every source, failed writes and replays, newest first", async () => {
    const { status, body } = await timeline("messageId", msg);
    expect(status).toBe(200);
    expect(body.items.map((i: { kind: string; source: string }) => `${i.kind}@${i.source}`)).toEqual([
      `replay@${DB}`,
      `failed_write@${DB}`,
      `event@${A}`,
      `event@${B}`,
      `event@${A}`,
    ]);
    expect(body.density.buckets.reduce((s: number, b: { events: number }) => s + b.events, 0)).toBe(3);
    expect(body.entity).not.toBeNull();
  });

  it("pages with a cursor without repeating or skipping", async () => {
    const first = (await timeline("messageId", msg, "?limit=2")).body;
    const second = (await timeline("messageId", msg, `?limit=2&cursor=${first.nextCursor}`)).body;
    const third = (await timeline("messageId", msg, `?limit=2&cursor=${second.nextCursor}`)).body;
    const ids = [...first.items, ...second.items, ...third.items].map((i: { kind: string; id: string }) => `${i.kind}${i.id}`);
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(5);
    expect(third.nextCursor).toBeNull();
    expect(second.density).toBeNull();
  });

  it("shows the advisory lock an entity maps to, and failed writes keyed by a number", async () => {
    const prisma = getPrisma();
    const t = await getEntityTimeline(prisma, "userId", "42", { limit: 50 }, { userId: { hash: "none" } });
    expect(t.advisoryKeys).toEqual([{ label: "42", via: "userId as the key" }]);
    const locks = t.items.filter((i) => i.kind === "lock" && i.source === DB);
    expect(locks.map((l) => l.status).sort()).toEqual(["held", "waiting"]);
    const held = locks.find((l) => l.status === "held")!;
    expect([held.at, held.until]).toEqual([at(2).toISOString(), at(6).toISOString()]);
    expect(t.items.some((i) => i.kind === "event" && i.source === A)).toBe(true);
    const none = await getEntityTimeline(prisma, "userId", "42", { limit: 50 }, {});
    expect(none.items.some((i) => i.kind === "lock")).toBe(false);

    const byNumber = await getEntityTimeline(prisma, "user_id", "42", { limit: 50 }, {});
    expect(byNumber.items.map((i) => i.title)).toContain("Failed upsert into public.users");
  });

  it("hashes keys the way the application's server does", async () => {
    const prisma = getPrisma();
    const [{ h }] = await prisma.$queryRaw<{ h: number }[]>`SELECT hashtext(${msg}) AS h`;
    const [k] = await advisoryKeysFor(prisma, "messageId", msg, { messageId: { hash: "hashtext", classId: 7 } });
    expect(k.label).toBe(`(7, ${h})`);
    expect(k.objsubid).toBe(2);
    expect((await advisoryKeysFor(prisma, "advisory_lock", "1,2"))[0].label).toBe("(1, 2)");
  });

  it("rejects bad parameters with a 400 naming them", async () => {
    for (const [qs, name] of [
      ["?limit=0", "limit"],
      ["?include=events", "include"],
      ["?cursor=abc", "cursor"],
      ["?from=noon", "from"],
      ["?x=1", "x"],
    ]) {
      const r = await timeline("messageId", msg, qs);
      expect(r.status, qs).toBe(400);
      expect(r.body.error.message, qs).toContain(`"${name}"`);
    }
  });
});

describe("entity search", () => {
  it("finds entities by key prefix, optionally of one type", async () => {
    const res = await searchRoute(await signedIn(`http://127.0.0.1/api/entities?q=${tag}-msg`));
    const body = await res.json();
    expect(body.items.map((e: { type: string; value: string }) => `${e.type}=${e.value}`)).toEqual([`messageId=${msg}`]);
    const typed = await (await searchRoute(await signedIn(`http://127.0.0.1/api/entities?q=messageId:${tag}`))).json();
    expect(typed.items).toHaveLength(1);
    const none = await (await searchRoute(await signedIn(`http://127.0.0.1/api/entities?q=${tag}-msg&type=userId`))).json();
    expect(none.items).toEqual([]);
    const bad = await searchRoute(await signedIn(`http://127.0.0.1/api/entities`));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toContain('"q"');
  });
});
