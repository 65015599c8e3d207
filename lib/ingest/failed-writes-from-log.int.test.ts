import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { GET as listRoute } from "@/app/api/failed-writes/route";
import { postgresTarget, type ReplayTarget } from "@/e2e/support/replay-targets";
import { signInAs } from "../auth/test-sessions";
import { closeTargetPools } from "../replay/pg-target-pool";
import { replayOneNow } from "../replay/replay-one";
import { upsertSource } from "../sources/source-registry";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { ingestLogFile } from "./ingest-file";
import { ingestNdjson } from "./push-ingest";
import { closeEventWriter } from "./store/shared-writer";

// README "Failed writes → From application logs": a log source whose config maps failed writes
// hands each one its lines carry to the failed-writes store once the lines are stored, whichever
// way they came in (a file, a push); a malformed one is kept as unparsed, never dropped.
const tag = `fwl${randomBytes(4).toString("hex")}`;
const logSource = `${tag}-app`;
const dir = await mkdtemp(path.join(tmpdir(), "lockboard-fwlog-"));
let target: ReplayTarget;
let targetName: string;

const MAPPING = {
  when: "failedWrite",
  source: "failedWrite.source",
  namespace: "failedWrite.namespace",
  operation: "failedWrite.operation",
  key: { messageId: "failedWrite.key.messageId" },
  document: "failedWrite.document",
  error: "failedWrite.error",
  occurredAt: "failedWrite.occurredAt",
};

/** A winston-style line of the app that could not save a reply, carrying the write. */
const line = (id: string, over: Record<string, unknown> = {}) =>
  JSON.stringify({
    level: "error",
    message: `could not save reply ${id}`,
    timestamp: "2026-11-23T05:00:00.000Z",
    failedWrite: {
      source: targetName,
      namespace: target.namespace,
      operation: "insert",
      key: { messageId: id },
      document: { messageId: id, conversationId: `${tag}-conv`, text: `reply ${id}`, sender: "assistant" },
      error: { message: `E11000 duplicate key error collection: chat.messages index: messageId_1 dup key: { messageId: "${id}" }`, code: 11000 },
      occurredAt: "2026-11-23T05:00:00.000Z",
      ...over,
    },
  });

beforeAll(async () => {
  target = await postgresTarget(getPrisma(), tag, inject("embeddedUrl"));
  targetName = (await getPrisma().source.findUniqueOrThrow({ where: { id: target.sourceId } })).name;
  await upsertSource(getPrisma(), { name: logSource, kind: "log", config: { failedWriteMapping: MAPPING } });
});

afterAll(async () => {
  await target?.teardown();
  await closeTargetPools();
  await closeEventWriter();
  await disconnectPrisma();
  await rm(dir, { recursive: true, force: true });
});

async function listed(viewerCookie: string) {
  const url = `http://127.0.0.1/api/failed-writes?source=${encodeURIComponent(targetName)}&namespace=${encodeURIComponent(target.namespace)}`;
  const res = await listRoute(new NextRequest(url, { headers: { cookie: viewerCookie } }));
  expect(res.status).toBe(200);
  return (await res.json()) as { total: number; items: { id: number; key: Record<string, unknown>; status: string }[] };
}

describe("failed writes from application logs", () => {
  it("a mapped line read from a file becomes a failed write, listed by the API and replayable; a malformed one is kept unparsed", async () => {
    const prisma = getPrisma();
    const file = path.join(dir, "app.log");
    await writeFile(
      file,
      [
        line(`${tag}-1`),
        JSON.stringify({ level: "info", message: "an ordinary line", timestamp: "2026-11-23T05:00:01.000Z" }),
        line(`${tag}-2`, { namespace: "public.not_declared" }),
        line(`${tag}-3`, { key: {} }),
        "",
      ].join("\n"),
    );
    const first = await ingestLogFile(prisma, logSource, file);
    expect(first).toMatchObject({ inserted: 4, failedWrites: 1, failedWritesUnparsed: 2 });

    const stored = await prisma.failedWrite.findMany({ where: { sourceId: target.sourceId } });
    expect(stored.map((w) => [w.idempotencyKey, w.origin, w.errorKind])).toEqual([[{ messageId: `${tag}-1` }, "log", "duplicate_key"]]);
    const kept = await prisma.unparsedFailedWrite.findMany({ where: { origin: "log", raw: { contains: tag } }, orderBy: { id: "asc" } });
    expect(kept.map((k) => k.error)).toEqual([expect.stringContaining("config.replay.namespaces"), expect.stringContaining('"key')]);

    const list = await listed(await signInAs("viewer"));
    expect(list.items.map((i) => i.key)).toEqual([{ messageId: `${tag}-1` }]);
    const replayed = await replayOneNow(prisma, list.items[0].id, { origin: "dashboard", reason: "test replay", actor: "failed-writes-from-log test" });
    expect(replayed.status).toBe("applied");
    expect(await target.get(`${tag}-1`)).toMatchObject({ messageId: `${tag}-1`, text: `reply ${tag}-1`, sender: "assistant" });

    // Read again: the lines are known, and so is the write they carry.
    const again = await ingestLogFile(prisma, logSource, file);
    expect(again).toMatchObject({ inserted: 0, failedWrites: 0 });
    expect(await prisma.failedWrite.count({ where: { sourceId: target.sourceId } })).toBe(1);
  });

  it("a pushed line is captured the same way, once however often it is pushed", async () => {
    const prisma = getPrisma();
    const body = Buffer.from(`${line(`${tag}-4`)}\n${line(`${tag}-5`, { operation: "drop" })}\n`);
    const res = await ingestNdjson(prisma, logSource, body);
    expect(res).toMatchObject({ inserted: 2, failedWrites: { created: 1, duplicates: 0, rejected: 1 } });
    expect(await ingestNdjson(prisma, logSource, body)).toMatchObject({ inserted: 0, failedWrites: { created: 0, duplicates: 1 } });
    const list = await listed(await signInAs("viewer"));
    expect(list.items.map((i) => i.key).sort((a, b) => String(a.messageId).localeCompare(String(b.messageId)))).toEqual([
      { messageId: `${tag}-1` },
      { messageId: `${tag}-4` },
    ]);
    // A source without a mapping hands nothing over, whatever its lines say.
    const plain = await ingestNdjson(prisma, `${tag}-plain`, Buffer.from(line(`${tag}-6`)));
    expect(plain.failedWrites).toBeUndefined();
    expect(await prisma.failedWrite.count({ where: { sourceId: target.sourceId } })).toBe(2);
  });
});
