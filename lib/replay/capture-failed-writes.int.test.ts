import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertSource } from "../sources/source-registry";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { captureFailedWrite, captureFailedWriteBody, importFailedWritesNdjson } from "./capture-failed-writes";
import { failedWriteCaptureFor } from "./from-log-event";
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
  await upsertSource(prisma, { name, kind: "mongodb", url: "mongodb://127.0.0.1:1", config: { replay: { namespaces: [ns] } } });
  await upsertSource(prisma, { name: `${name}-log`, kind: "log" });
});
afterAll(disconnectPrisma);

describe("capture", () => {
  it("a single write is all or nothing: a 400 names what is wrong", async () => {
    const err = await captureFailedWrite(prisma, write(2, { occurredAt: "soon" }), "api").catch((e) => e);
    expect(err.status).toBe(400);
    expect(err.message).toBe('invalid field "occurredAt": Invalid ISO datetime');
    const unknown = await captureFailedWrite(prisma, write(1, { source: "nope" }), "api").catch((e) => e);
    expect(unknown.message).toContain('"source": no source named "nope"');
    const logTarget = await captureFailedWrite(prisma, write(1, { source: `${name}-log` }), "api").catch((e) => e);
    expect(logTarget.message).toContain("is a log source");
    const nul = await captureFailedWriteBody(prisma, write(1, { document: { messageId: "c-1", text: "a\u0000b" } }), "api").catch((e) => e);
    expect(nul.status).toBe(400);
    expect(nul.message).toContain('"document.text": contains a NUL character');
    expect(await prisma.failedWrite.count({ where: { namespace: ns } })).toBe(0);
  });

  it("a batch stores its good writes; a poison write (NUL, bad field, nested 60,000 deep) is kept unparsed with its index", async () => {
    let deep: unknown = "bottom";
    for (let i = 0; i < 60_000; i++) deep = { d: deep };
    const batch = [
      write(101),
      write(102, { document: { messageId: "c-102", text: "nul \u0000 inside" } }),
      write(103, { context: { ["k\u0000"]: 1 } }),
      write(104, { occurredAt: "soon" }),
      write(105, { document: { messageId: "c-105", deep } }),
      write(106),
    ];
    const r = await captureFailedWriteBody(prisma, { writes: batch }, "api");
    expect(r).toMatchObject({ created: 2, duplicates: 0, rejected: 4 });
    expect(r.errors.map((e) => e.index)).toEqual([1, 2, 3, 4]);
    expect(r.errors[0].error).toBe('writes[1]: invalid field "document.text": contains a NUL character (\\u0000), which the store cannot hold');
    expect(r.errors[3].error).toContain("nested deeper than");
    const stored = await prisma.failedWrite.findMany({ where: { id: { in: r.ids } }, orderBy: { id: "asc" } });
    expect(stored.map((w) => w.idempotencyKey)).toEqual([{ messageId: "c-101" }, { messageId: "c-106" }]);
    const kept = await prisma.unparsedFailedWrite.findMany({ where: { error: { startsWith: "writes[1]: " }, raw: { contains: "c-102" } } });
    expect(kept).toHaveLength(1);
    expect(JSON.parse(kept[0].raw).document.text).toBe("nul \u0000 inside");
    // Kept whole, even nested too deep for JSON.stringify.
    const deepKept = await prisma.unparsedFailedWrite.findFirst({
      where: { error: { startsWith: "writes[4]: " }, raw: { contains: "c-105" } },
      orderBy: { id: "desc" },
    });
    expect(deepKept?.raw.length).toBeGreaterThan(60_000 * 6);
    await prisma.failedWrite.deleteMany({ where: { id: { in: r.ids } } });
  });

  it("bounds the error list of a batch: the first 100 errors and the total", async () => {
    const r = await captureFailedWriteBody(prisma, { writes: Array.from({ length: 1000 }, (_, i) => write(i, { key: {} })) }, "api");
    expect(r).toMatchObject({ created: 0, rejected: 1000 });
    expect(r.errors).toHaveLength(100);
    expect(r.errors[99].index).toBe(99);
  });

  it("imports NDJSON: good lines stored once, bad lines reported and kept", async () => {
    const nulEscaped = JSON.stringify(write(4, { document: { messageId: "c-4", text: "a\u0000b" } }));
    const rawNul = `{"source": "${name}", "text": "raw \u0000 byte"}`;
    const text = [JSON.stringify(write(1)), "{not json", JSON.stringify(write(2)), "", JSON.stringify({ ...write(3), key: "x" }), nulEscaped, rawNul].join(
      "\n",
    );
    const first = await importFailedWritesNdjson(prisma, "test", text);
    expect(first).toMatchObject({ lines: 6, created: 2, duplicates: 0, rejected: 4 });
    expect(first.malformed.map((m) => m.line)).toEqual([2, 5, 6, 7]);
    expect(first.malformed[2].error).toContain('"document.text": contains a NUL character');
    expect(await prisma.unparsedFailedWrite.count({ where: { raw: rawNul.replace("\u0000", "\\u0000") } })).toBe(1);
    expect(first.malformed[1].error).toContain('"key"');
    const again = await importFailedWritesNdjson(prisma, "test", text);
    expect(again).toMatchObject({ created: 0, duplicates: 2 });
    const kept = await prisma.unparsedFailedWrite.findMany({ where: { raw: "{not json" } });
    expect(kept.length).toBeGreaterThanOrEqual(2);
  });

  it("captures from a mapped log event, and lists with filters, search and grouping", async () => {
    const sourceConfig = {
      failedWriteMapping: { source: { value: name }, namespace: { value: ns }, key: { messageId: "doc.messageId" }, document: "doc", error: "msg" },
    };
    const fromLog = (config: unknown, fields: Record<string, unknown>) => {
      const c = failedWriteCaptureFor(prisma, { name: "app-log", config })!;
      return c.capture([c.submissionOf(fields, new Date())!]);
    };
    const r = await fromLog(sourceConfig, { doc: { messageId: "c-9", text: "needle-9" }, msg: "gave up waiting for lock" });
    expect(r.created).toBe(1);
    // A mapped event aiming at a namespace the source does not declare is kept unparsed, not stored.
    const elsewhere = { failedWriteMapping: { ...sourceConfig.failedWriteMapping, namespace: { value: "admin.system.users" } } };
    const refused = await fromLog(elsewhere, { doc: { messageId: "c-10" }, msg: `refused-${ns}` });
    expect(refused).toMatchObject({ created: 0, rejected: 1 });
    const kept = await prisma.unparsedFailedWrite.findFirst({ where: { origin: "log", raw: { contains: `refused-${ns}` } } });
    expect(kept?.error).toContain("system database admin");
    const list = await listFailedWrites(prisma, ListFailedWritesQuerySchema.parse({ namespace: ns }));
    expect(list.total).toBe(3);
    expect(Object.fromEntries(list.byErrorKind.map((g) => [g.errorKind, g.count]))).toEqual({ resource_busy: 1, duplicate_key: 1, lock_timeout: 1 });
    const found = await listFailedWrites(prisma, ListFailedWritesQuerySchema.parse({ namespace: ns, q: "needle-2" }));
    expect(found.items.map((i) => i.key)).toEqual([{ messageId: "c-2" }]);
    const busy = await listFailedWrites(prisma, ListFailedWritesQuerySchema.parse({ source: name, errorKind: "resource_busy" }));
    expect(busy.items.map((i) => i.key)).toEqual([{ messageId: "c-1" }]);
  });
});
