import { afterAll, describe, expect, it } from "vitest";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { ensureIngestSource } from "./log-source";
import { normalizeRecord } from "./classify/normalize-record";
import { ingestNdjson, ingestOtlpLogs, storePushEvents } from "./push-ingest";

afterAll(disconnectPrisma);
const tag = `poison-${Date.now().toString(36)}`;
const nested = (depth: number) => `${"[".repeat(depth)}1${"]".repeat(depth)}`;

async function eventsOf(source: string) {
  return getPrisma().event.findMany({ where: { source: { name: source } }, orderBy: { id: "asc" } });
}

describe("a poison line never fails the batch", () => {
  it("NDJSON: impossible times, deep nesting and NUL are stored with the good lines", async () => {
    const source = `${tag}-ndjson`;
    const lines = [
      JSON.stringify({ level: "error", msg: "good line", time: Date.parse("2026-11-23T05:00:00Z") }),
      JSON.stringify({ level: "info", msg: "time far out", time: 1e300 }),
      JSON.stringify({ level: "info", msg: "before year -4713", time: -8e12 }),
      JSON.stringify({ level: "info", msg: "numberLong out of range", time: { $date: { $numberLong: "1e17" } } }),
      JSON.stringify({ t: { $date: { $numberLong: "1e17" } }, s: "I", c: "NETWORK", id: 1, ctx: "conn1", msg: "mongo line with a bad date" }),
      JSON.stringify({ error_severity: "ERROR", timestamp: "99999-01-01 00:00:00.000 UTC", message: "jsonlog with a bad stamp", pid: 1 }),
      `{"level":"info","msg":"deep","payload":${nested(30_000)}}`,
      JSON.stringify({ level: "error", msg: "nul \u0000 inside", name: "a\u0000b", err: { code: "X\u0000", message: "m\u0000" }, ["key\u0000"]: 1 }),
      JSON.stringify({
        t: { $date: "2026-11-23T05:00:00.000Z" },
        s: "E",
        c: { "comp\u0000": 1 },
        id: { "id\u0000": 2 },
        ctx: { "ctx\u0000": 3 },
        msg: "mongo line with NUL keys",
      }),
      JSON.stringify({ level: "warn", msg: "last good line" }),
    ];
    const res = await ingestNdjson(getPrisma(), source, Buffer.from(lines.join("\n")));
    expect(res).toMatchObject({ accepted: 10, rejected: 0, inserted: 10, unparsed: 1 });
    const events = await eventsOf(source);
    expect(events).toHaveLength(10);
    expect(events.find((e) => e.message === "good line")?.occurredAt.toISOString()).toBe("2026-11-23T05:00:00.000Z");
    for (const m of ["time far out", "before year -4713", "numberLong out of range"]) {
      expect((events.find((e) => e.message === m)?.fields as { timeMissing?: boolean }).timeMissing).toBe(true);
    }
    const deep = events.find((e) => e.kind === "unparsed");
    expect(deep?.raw).toContain('"msg":"deep"');
    expect(events.find((e) => e.message.startsWith("nul"))?.message).toBe("nul \uFFFD inside");
  });

  it("a JSON array body with an item nested 60,000 deep keeps the item as unparsed", async () => {
    const source = `${tag}-array`;
    const body = `[${JSON.stringify({ level: "info", msg: "first" })},{"msg":"deep","payload":${nested(60_000)}},${JSON.stringify({ level: "info", msg: "third", time: 1e300 })}]`;
    const res = await ingestNdjson(getPrisma(), source, Buffer.from(body));
    expect(res).toMatchObject({ accepted: 3, inserted: 3, unparsed: 1 });
    expect((await eventsOf(source)).map((e) => e.kind).sort()).toEqual(["unclassified", "unclassified", "unparsed"]);
  });

  it("the error list is bounded: the first 100 and a total", async () => {
    const body = [JSON.stringify({ msg: "the only good line" }), ...Array.from({ length: 5000 }, () => "{bad")].join("\n");
    const res = await ingestNdjson(getPrisma(), `${tag}-errors`, Buffer.from(body));
    expect(res.rejected).toBe(5000);
    expect(res.errors).toHaveLength(100);
    expect(res.errors[0]).toBe("line 2: not a JSON object");
    expect(res.inserted).toBe(1);
  });

  it("OTLP: fractional or out-of-range timeUnixNano, a deep body and NUL are stored with the good records", async () => {
    const name = `${tag}-otel`;
    const deepBody: Record<string, unknown> = { stringValue: "bottom" };
    let v: Record<string, unknown> = deepBody;
    for (let i = 0; i < 60_000; i++) v = { arrayValue: { values: [v] } };
    const req = {
      resourceLogs: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: name } }] },
          scopeLogs: [
            {
              logRecords: [
                { timeUnixNano: "1795410000000000000", body: { stringValue: "good record" } },
                { timeUnixNano: 1.5, body: { stringValue: "fractional nanos" } },
                { timeUnixNano: "99999999999999999999999999", body: { stringValue: "past year 275760" } },
                { timeUnixNano: 1e300, observedTimeUnixNano: "1795410000000000000", body: { stringValue: "observed time instead" } },
                { timeUnixNano: "1795410000000000001", body: v },
                {
                  timeUnixNano: "1795410000000000002",
                  body: { stringValue: "nul \u0000 body" },
                  attributes: [{ key: "k\u0000", value: { stringValue: "v\u0000" } }],
                },
                {
                  timeUnixNano: "1795410000000000003",
                  body: { stringValue: "structured exception type" },
                  attributes: [{ key: "exception.type", value: { kvlistValue: { values: [{ key: "t\u0000", value: { stringValue: "x" } }] } } }],
                },
              ],
            },
          ],
        },
      ],
    };
    const res = await ingestOtlpLogs(getPrisma(), null, req);
    expect(res).toMatchObject({ accepted: 7, rejected: 0, inserted: 7, unparsed: 1 });
    const events = await eventsOf(`otel:${name}`);
    expect(events).toHaveLength(7);
    expect(events.find((e) => e.message === "observed time instead")?.occurredAt.toISOString()).toBe("2026-11-23T05:00:00.000Z");
    expect((events.find((e) => e.message === "past year 275760")?.fields as { timeMissing?: boolean }).timeMissing).toBe(true);
    expect(events.filter((e) => e.kind === "unparsed")).toHaveLength(1);
  });

  it("a value the store still refuses (no gate foresaw it) costs that event alone: it is kept unparsed", async () => {
    const prisma = getPrisma();
    const source = await ensureIngestSource(prisma, `${tag}-refused`);
    const now = new Date();
    const event = (i: number) =>
      normalizeRecord(
        { offset: 0, lines: 1, raw: `line ${i}`, format: "app-json", time: null, level: "INFO", severity: "info", message: `line ${i}`, fields: {} },
        `${source.id}:push:test-${tag}-${i}`,
        source.name,
        now,
      );
    const events = Array.from({ length: 9 }, (_, i) => event(i));
    events[5] = { ...events[5], occurredAt: new Date(-8.6e15) }; // year -270,000: PostgreSQL's timestamptz refuses it
    const res = await storePushEvents(prisma, source.id, events);
    expect(res).toMatchObject({ inserted: 9, unparsed: 1 });
    const stored = await eventsOf(`${tag}-refused`);
    expect(stored.filter((e) => e.kind === "unparsed").map((e) => e.raw)).toEqual(["line 5"]);
  });
});
