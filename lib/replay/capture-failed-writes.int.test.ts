import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertSource } from "../sources/source-registry";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { captureFailedWrites, importFailedWritesNdjson } from "./capture-failed-writes";
import { captureFailedWriteFromEvent } from "./from-log-event";
import { listFailedWrites, ListFailedWritesQuerySchema } from "./list-failed-writes";

const prisma = getPrisma();
const name = `capture-${Date.now()}`;
const ns = `app_${Date.now()}.messages`;
const write = (i: number, extra: Record<string, unknown> = {}) => ({
  source: name,
  namespace: ns,
  operation: "insert",
  key: { messageId: `c-${i}` },
  document: { messageId: `c-${i}`, text: `needle-${i}` },
  error: i % 2 ? "Resource busy" : "E11000 duplicate key error",
  occurredAt: new Date(Date.UTC(2026, 10, 23, 4, 0, i)).toISOString(),
  ...extra,
});

beforeAll(async () => {
  await upsertSource(prisma, { name, kind: "mongodb", url: "mongodb://127.0.0.1:1" });
  await upsertSource(prisma, { name: `${name}-log`, kind: "log" });
});
afterAll(disconnectPrisma);

describe("capture", () => {
  it("stores nothing of a batch with one bad write and names it", async () => {
    const err = await captureFailedWrites(prisma, [write(1), write(2, { occurredAt: "soon" })], "api").catch((e) => e);
    expect(err.status).toBe(400);
    expect(err.message).toBe('writes[1]: invalid field "occurredAt": Invalid ISO datetime');
    const unknown = await captureFailedWrites(prisma, [write(1, { source: "nope" })], "api").catch((e) => e);
    expect(unknown.message).toContain('"source": no source named "nope"');
    const logTarget = await captureFailedWrites(prisma, [write(1, { source: `${name}-log` })], "api").catch((e) => e);
    expect(logTarget.message).toContain("is a log source");
    expect(await prisma.failedWrite.count({ where: { namespace: ns } })).toBe(0);
  });

  it("imports NDJSON: good lines stored once, bad lines reported and kept", async () => {
    const text = [JSON.stringify(write(1)), "{not json", JSON.stringify(write(2)), "", JSON.stringify({ ...write(3), key: "x" })].join("\n");
    const first = await importFailedWritesNdjson(prisma, text);
    expect(first).toMatchObject({ lines: 4, created: 2, duplicates: 0 });
    expect(first.malformed.map((m) => m.line)).toEqual([2, 5]);
    expect(first.malformed[1].error).toContain('"key"');
    const again = await importFailedWritesNdjson(prisma, text);
    expect(again).toMatchObject({ created: 0, duplicates: 2 });
    const kept = await prisma.unparsedFailedWrite.findMany({ where: { raw: "{not json" } });
    expect(kept.length).toBeGreaterThanOrEqual(2);
  });

  it("captures from a mapped log event, and lists with filters, search and grouping", async () => {
    const sourceConfig = { failedWriteMapping: { source: { value: name }, namespace: { value: ns }, key: { messageId: "doc.messageId" }, document: "doc", error: "msg" } };
    const r = await captureFailedWriteFromEvent(prisma, { fields: { doc: { messageId: "c-9", text: "needle-9" }, msg: "gave up waiting for lock" }, occurredAt: new Date(), sourceConfig });
    expect(r?.created).toBe(1);
    const list = await listFailedWrites(prisma, ListFailedWritesQuerySchema.parse({ namespace: ns }));
    expect(list.total).toBe(3);
    expect(Object.fromEntries(list.byErrorKind.map((g) => [g.errorKind, g.count]))).toEqual({ resource_busy: 1, duplicate_key: 1, lock_timeout: 1 });
    const found = await listFailedWrites(prisma, ListFailedWritesQuerySchema.parse({ namespace: ns, q: "needle-2" }));
    expect(found.items.map((i) => i.key)).toEqual([{ messageId: "c-2" }]);
    const busy = await listFailedWrites(prisma, ListFailedWritesQuerySchema.parse({ source: name, errorKind: "resource_busy" }));
    expect(busy.items.map((i) => i.key)).toEqual([{ messageId: "c-1" }]);
  });
});
