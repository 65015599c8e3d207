import { afterAll, describe, expect, it } from "vitest";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { ingestNdjson, ingestOtlpLogs, PushError } from "./push-ingest";

afterAll(disconnectPrisma);
const SOURCE = `push-${Date.now()}`;

describe("NDJSON pushes", () => {
  it("stores good lines, reports bad ones, and adds nothing when the same push is retried", async () => {
    const prisma = getPrisma();
    const body = [
      JSON.stringify({
        level: 50,
        time: Date.parse("2026-11-23T05:00:00Z"),
        msg: "save failed",
        messageId: "m-1",
        err: {
          type: "MongoServerError",
          message: 'E11000 duplicate key error collection: chat.messages index: messageId_1 dup key: { messageId: "m-1" }',
          code: 11000,
        },
      }),
      "{not json",
      JSON.stringify({
        t: { $date: "2026-11-23T05:00:01.000+00:00" },
        s: "I",
        c: "NETWORK",
        id: 22942,
        ctx: "listener",
        msg: "Connection refused because there are too many open connections",
        attr: { connectionCount: 819 },
      }),
      // Vector's file source wraps each raw line; these two PostgreSQL lines are one event.
      JSON.stringify({
        message: '2026-11-23 05:00:02.000 UTC [77] ERROR:  duplicate key value violates unique constraint "visit_pkey"',
        source_type: "file",
        file: "/var/log/postgresql/postgresql.log",
      }),
      JSON.stringify({
        message: "2026-11-23 05:00:02.000 UTC [77] DETAIL:  Key (id)=(42) already exists.",
        source_type: "file",
        file: "/var/log/postgresql/postgresql.log",
      }),
      "",
    ].join("\n");
    const first = await ingestNdjson(prisma, SOURCE, Buffer.from(body));
    expect(first).toMatchObject({ accepted: 4, rejected: 1, inserted: 3, duplicates: 0 });
    expect(first.errors).toEqual(["line 2: not a JSON object"]);
    const events = await prisma.event.findMany({
      where: { source: { name: SOURCE } },
      include: { entities: { include: { entity: true } } },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => e.kind)).toEqual(["duplicate_key", "too_many_connections", "duplicate_key"]);
    expect(events[2].raw).toContain("DETAIL:  Key (id)=(42)");
    expect(events[2].entities.map((l) => [l.entity.type, l.entity.value])).toEqual([["id", "42"]]);
    expect(events.every((e) => e.eventKey.includes(":push:"))).toBe(true);

    const again = await ingestNdjson(prisma, SOURCE, Buffer.from(body));
    expect(again).toMatchObject({ inserted: 0, duplicates: 3 });
  });

  it("answers what the lines were read as, and says when a source's pushes change format", async () => {
    const prisma = getPrisma();
    const source = `${SOURCE}-format`;
    const cnpg = (pid: number, sev: string, state: string, message: string) =>
      JSON.stringify({
        level: "info",
        ts: "2026-12-01T13:31:48.657Z",
        logger: "postgres",
        msg: "record",
        logging_pod: "db-1",
        record: { log_time: "2026-12-01 13:31:48.657 UTC", process_id: String(pid), error_severity: sev, sql_state_code: state, message },
      });
    const first = await ingestNdjson(
      prisma,
      source,
      Buffer.from(
        [cnpg(7, "ERROR", "40P01", "deadlock detected"), cnpg(8, "LOG", "00000", "process 8 still waiting for ShareLock on transaction 5 after 100.1 ms")].join(
          "\n",
        ),
      ),
    );
    expect(first).toMatchObject({ inserted: 2, format: "CloudNativePG JSON (2 of 2 sampled lines)", formatChanged: false });
    const kinds = await prisma.event.findMany({ where: { source: { name: source } }, orderBy: { id: "asc" }, select: { kind: true } });
    expect(kinds.map((k) => k.kind)).toEqual(["deadlock", "lock_wait"]);
    // A Cloud SQL export pushed as NDJSON: its DETAIL entry joins the report, and the format changed.
    const entry = (text: string) =>
      JSON.stringify({
        logName: "projects/p/logs/cloudsql.googleapis.com%2Fpostgres.log",
        resource: { type: "cloudsql_database" },
        textPayload: text,
        timestamp: "2026-12-01T13:40:00Z",
      });
    const second = await ingestNdjson(
      prisma,
      source,
      Buffer.from(
        [
          entry('2026-12-01 13:40:00.000 UTC [9]: [1-1] db=shop,user=app ERROR:  duplicate key value violates unique constraint "u"'),
          entry("2026-12-01 13:40:00.000 UTC [9]: [2-1] db=shop,user=app DETAIL:  Key (k)=(1) already exists."),
        ].join("\n"),
      ),
    );
    expect(second).toMatchObject({ inserted: 1, formatChanged: true, previousFormat: "CloudNativePG JSON (2 of 2 sampled lines)" });
    expect(second.format).toMatch(/^postgres in Google Cloud SQL JSON, prefix '%m \[%p\]: \[%l-1\] db=%d,user=%u '/);
    const src = await prisma.source.findUniqueOrThrow({ where: { name: source } });
    expect((src.config as { detectedFormat: { format: string } }).detectedFormat.format).toBe("pg-cloudsql");
  });

  it("refuses a body with no record at all", async () => {
    await expect(ingestNdjson(getPrisma(), SOURCE, Buffer.from("nope\n[1]\n"))).rejects.toThrow(PushError);
    await expect(ingestNdjson(getPrisma(), SOURCE, Buffer.from("[1, 2"))).rejects.toThrow(/not a JSON array/);
  });
});

describe("OTLP/HTTP JSON", () => {
  it("maps resource, severity, attributes and trace ids, and rejects bad records alone", async () => {
    const prisma = getPrisma();
    const req = {
      resourceLogs: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "librechat-api" } }] },
          scopeLogs: [
            {
              scope: { name: "pino" },
              logRecords: [
                {
                  timeUnixNano: "1795410000000000000",
                  severityNumber: 17,
                  severityText: "ERROR",
                  body: { stringValue: "upstream call failed" },
                  traceId: "5b8efff798038103d269b633813fc60c",
                  attributes: [
                    { key: "exception.type", value: { stringValue: "Error" } },
                    { key: "exception.message", value: { stringValue: "timeout exceeded when trying to connect" } },
                    { key: "conversationId", value: { stringValue: "conv-9" } },
                  ],
                },
                { timeUnixNano: "not-a-number", body: { stringValue: "x" } },
                {
                  timeUnixNano: "1795410000001000000",
                  severityNumber: 9,
                  body: {
                    kvlistValue: {
                      values: [
                        { key: "msg", value: { stringValue: "GET /api/ask" } },
                        { key: "statusCode", value: { intValue: "429" } },
                      ],
                    },
                  },
                },
              ],
            },
          ],
        },
      ],
    };
    const res = await ingestOtlpLogs(prisma, null, req);
    expect(res).toMatchObject({ accepted: 2, rejected: 1, inserted: 2, bySource: { "otel:librechat-api": 2 } });
    expect(res.errors[0]).toMatch(/^resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[1\]\.timeUnixNano/);
    const events = await prisma.event.findMany({
      where: { source: { name: "otel:librechat-api" } },
      include: { entities: { include: { entity: true } } },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => [e.kind, e.severity, e.occurredAt.toISOString()])).toEqual([
      ["pool_timeout", "error", "2026-11-23T05:00:00.000Z"],
      ["http_429", "info", "2026-11-23T05:00:00.001Z"],
    ]);
    expect(events[0].entities.map((l) => [l.entity.type, l.entity.value]).sort()).toEqual([
      ["conversationId", "conv-9"],
      ["traceId", "5b8efff798038103d269b633813fc60c"],
    ]);
    expect((await ingestOtlpLogs(prisma, null, req)).inserted).toBe(0);
    await expect(ingestOtlpLogs(prisma, null, { resourceLogs: "x" })).rejects.toThrow(/not an OTLP logs request: resourceLogs/);
  });
});
