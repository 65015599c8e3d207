import { describe, expect, it } from "vitest";
import { splitLines } from "./line-splitter";
import type { LogRecord, UnparsedLine } from "./log-record";
import { normalizeRecord } from "../classify/normalize-record";
import { createParser, type LogFormat } from "./parsers";

function parse(text: string, format: LogFormat = "auto") {
  const records: LogRecord[] = [];
  const unparsed: UnparsedLine[] = [];
  let blank = 0;
  const p = createParser(format, { record: (r) => records.push(r), unparsed: (u) => unparsed.push(u), blank: () => blank++ });
  const { lines } = splitLines(Buffer.from(text));
  for (const l of lines) p.push(l);
  p.flush();
  return { records, unparsed, blank, lines: lines.length };
}
const now = new Date("2026-11-23T00:00:00Z");
const ev = (r: LogRecord) => normalizeRecord(r, "k", "app", now);

describe("application logs", () => {
  it("reads pino, winston, bunyan and Python logging JSON lines", () => {
    const { records } = parse(
      [
        JSON.stringify({
          level: 50,
          time: 1795400000000,
          pid: 7,
          hostname: "h",
          msg: "insert failed",
          requestId: "r-1",
          err: {
            type: "MongoServerError",
            message: 'E11000 duplicate key error collection: chat.messages index: messageId_1 dup key: { messageId: "m-9" }',
            code: 11000,
          },
        }),
        JSON.stringify({ level: "warn", message: "pool busy", timestamp: "2026-11-23T04:00:00.000Z", userId: 12 }),
        JSON.stringify({ name: "api", hostname: "h", pid: 1, level: 30, msg: "GET /chat", time: "2026-11-23T04:00:01.000Z", v: 0, res: { statusCode: 429 } }),
        JSON.stringify({
          asctime: "2026-11-23 04:00:02,250",
          levelname: "ERROR",
          name: "worker",
          message: "job failed",
          exc_info: 'Traceback (most recent call last):\n  File "w.py", line 3, in <module>\nOSError: [Errno 24] Too many open files',
          conversationId: "c-3",
        }),
      ].join("\n"),
    );
    expect(records.map((r) => [r.format, r.severity])).toEqual([
      ["app-json", "error"],
      ["app-json", "warning"],
      ["app-json", "info"],
      ["app-json", "error"],
    ]);
    expect(records[0].time?.getTime()).toBe(1795400000000);
    expect(records[3].time?.toISOString()).toBe("2026-11-23T04:00:02.250Z");
    const [dup, , tooMany, emfile] = records.map(ev);
    expect(dup.kind).toBe("duplicate_key");
    expect(dup.title).toBe("Duplicate key on chat.messages index messageId_1");
    expect(dup.entities).toEqual(
      expect.arrayContaining([
        { type: "messageId", value: "m-9" },
        { type: "collection", value: "chat.messages" },
        { type: "requestId", value: "r-1" },
      ]),
    );
    expect(tooMany.kind).toBe("http_429");
    expect(emfile.kind).toBe("fd_exhaustion");
    expect(emfile.entities).toEqual([{ type: "conversationId", value: "c-3" }]);
  });

  it("stitches a Python traceback into the log line it follows, and stands a bare one alone", () => {
    const { records, unparsed, lines } = parse(
      [
        "Traceback (most recent call last):",
        '  File "<string>", line 1, in <module>',
        "ValueError: first",
        "",
        "During handling of the above exception, another exception occurred:",
        "",
        "Traceback (most recent call last):",
        '  File "<string>", line 1, in <module>',
        "OSError: [Errno 24] Too many open files: '/tmp/x'",
        "2026-11-23 04:00:00,100 - worker - ERROR - could not save",
        "Traceback (most recent call last):",
        '  File "/app/w.py", line 9, in save',
        "    conn.execute(sql)",
        "sqlite3.OperationalError: database is locked",
        "2026-11-23 04:00:01,000 - worker - INFO - retrying",
      ].join("\n"),
    );
    expect(unparsed).toEqual([]);
    expect(records.map((r) => r.lines)).toEqual([9, 5, 1]);
    expect(records.reduce((a, r) => a + r.lines, 0)).toBe(lines);
    expect(records[1]).toMatchObject({ level: "ERROR", message: "could not save", fields: { exceptionType: "sqlite3.OperationalError" } });
    expect(ev(records[1]).kind).toBe("storage_busy");
    expect(records[0].message).toBe("OSError: [Errno 24] Too many open files: '/tmp/x'");
    expect(ev(records[0]).kind).toBe("fd_exhaustion");
    expect(ev(records[2]).opensIncident).toBe(false);
  });

  it("stitches Node stacks: console.error output with error properties, and an uncaught throw", () => {
    const { records, unparsed } = parse(
      [
        "Error: EMFILE: too many open files, open '/tmp/f-1'",
        "    at Object.openSync (node:fs:573:18)",
        "    at [eval]:1:60 {",
        "  errno: -24,",
        "  code: 'EMFILE',",
        "  syscall: 'open',",
        "  path: '/tmp/f-1'",
        "}",
        "/app/server.js:12",
        "    res.setHeader('x', 1);",
        "        ^",
        "",
        "Error [ERR_HTTP_HEADERS_SENT]: Cannot set headers after they are sent to the client",
        "    at ServerResponse.setHeader (node:_http_outgoing:659:11)",
        "",
        "Node.js v20.20.2",
      ].join("\n"),
    );
    expect(unparsed).toEqual([]);
    expect(records.map((r) => [r.lines, r.code, r.message])).toEqual([
      [8, "EMFILE", "Error: EMFILE: too many open files, open '/tmp/f-1'"],
      [8, "ERR_HTTP_HEADERS_SENT", "Error [ERR_HTTP_HEADERS_SENT]: Cannot set headers after they are sent to the client"],
    ]);
    expect(records.map((r) => ev(r).kind)).toEqual(["fd_exhaustion", "headers_sent"]);
  });

  it("keeps lines it cannot place as unparsed", () => {
    const { records, unparsed } = parse("    at orphan (x.js:1:1)\nhello there\n2026-11-23T04:00:00Z INFO ok");
    expect(records).toHaveLength(1);
    expect(unparsed.map((u) => u.reason)).toEqual(["unknown_format", "unknown_format"]);
  });
});

describe("MongoDB 4.4+ structured log", () => {
  const line = (o: object) => JSON.stringify({ t: { $date: "2026-11-23T04:17:40.123+00:00" }, ...o });
  it("classifies E11000 in a slow-query line, write conflicts and refused connections", () => {
    const { records } = parse(
      [
        line({
          s: "I",
          c: "COMMAND",
          id: 51803,
          ctx: "conn42",
          msg: "Slow query",
          attr: {
            type: "command",
            ns: "LibreChat.messages",
            command: { insert: "messages", $db: "LibreChat" },
            errMsg:
              'E11000 duplicate key error collection: LibreChat.messages index: messageId_1 dup key: { messageId: "0b9d5f3e-1c1a-4a57-9d63-2f1d8e7c6b5a" }',
            errName: "DuplicateKey",
            errCode: 11000,
            durationMillis: 3,
          },
        }),
        line({
          s: "I",
          c: "WRITE",
          id: 51803,
          ctx: "conn7",
          msg: "Slow query",
          attr: {
            type: "update",
            ns: "app.counters",
            errMsg: "WriteConflict error: this operation conflicted with another operation. Please retry your operation or multi-document transaction.",
            errName: "WriteConflict",
            errCode: 112,
          },
        }),
        line({
          s: "I",
          c: "NETWORK",
          id: 22942,
          ctx: "listener",
          msg: "Connection refused because there are too many open connections",
          attr: { remote: "10.0.0.5:51234", connectionCount: 819 },
        }),
        line({ s: "I", c: "NETWORK", id: 22943, ctx: "listener", msg: "Connection accepted", attr: { remote: "10.0.0.5:51235", connectionCount: 12 } }),
      ].join("\n"),
      "mongodb",
    );
    const events = records.map(ev);
    expect(events.map((e) => e.kind)).toEqual(["duplicate_key", "serialization_failure", "too_many_connections", "unclassified"]);
    expect(events[0].entities).toEqual([
      { type: "collection", value: "LibreChat.messages" },
      { type: "index", value: "messageId_1" },
      { type: "messageId", value: "0b9d5f3e-1c1a-4a57-9d63-2f1d8e7c6b5a" },
    ]);
    expect(events[0].title).toBe("Duplicate key on LibreChat.messages index messageId_1");
    expect(records[0].time?.toISOString()).toBe("2026-11-23T04:17:40.123Z");
    expect(events[3].opensIncident).toBe(false);
  });
});

describe("csvlog", () => {
  it("reads quoted multi-line fields and keeps a truncated record as unparsed", () => {
    const row = `2026-11-23 04:57:23.065 UTC,"postgres","app",12379,"127.0.0.1:56886",6b03c7b3.305b,1,"INSERT",2026-11-23 04:57:23 UTC,1/4,755,ERROR,23505,"duplicate key value violates unique constraint ""t_pkey""","Key (id)=(1) already exists.",,,,,"insert into t values (1,\n'b')",,,"","client backend",,0`;
    const { records, unparsed, lines } = parse(`${row}\n${row.slice(0, row.indexOf("already exists"))}`);
    expect(lines).toBe(3);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      format: "pg-csv",
      code: "23505",
      message: 'duplicate key value violates unique constraint "t_pkey"',
      statement: "insert into t values (1,\n'b')",
      fields: { pid: 12379, user: "postgres", db: "app" },
    });
    expect(unparsed).toMatchObject([{ lines: 1, reason: "truncated_record" }]);
  });
});
