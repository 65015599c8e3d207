import { describe, expect, it } from "vitest";
import { splitLines } from "./line-splitter";
import type { LogRecord, UnparsedLine } from "./log-record";
import { normalizeRecord } from "../classify/normalize-record";
import { createParser } from "./parsers";

function ingest(text: string) {
  const records: LogRecord[] = [];
  const unparsed: UnparsedLine[] = [];
  const p = createParser("auto", { record: (r) => records.push(r), unparsed: (u) => unparsed.push(u), blank: () => {} });
  for (const l of splitLines(Buffer.from(text)).lines) p.push(l);
  p.flush();
  return { records, unparsed, events: records.map((r) => normalizeRecord(r, `k${r.offset}`, "mongo", new Date("2026-12-01T00:00:00Z"))) };
}

// Shapes from MongoDB's "Log Messages" reference (3.0-4.2 plain text; 4.4+ JSON, "Slow query" id 51803)
// and SERVER-19568's examples, with the failed writes a chat app's duplicate retries produce.
const LEGACY = [
  '2019-03-01T10:00:00.123+0000 I WRITE    [conn12] insert LibreChat.messages query: { _id: ObjectId(\'5c78f2b0e7179a4a1c7d2f11\'), messageId: "abc" } ninserted:0 keysInserted:1 exception: E11000 duplicate key error collection: LibreChat.messages index: messageId_1 dup key: { : "abc" } code:11000 numYields:0 locks:{ Global: { acquireCount: { r: 2, w: 2 } } } 0ms',
  '2019-03-01T10:00:00.125+0000 I COMMAND  [conn12] command LibreChat.$cmd command: insert { insert: "messages", ordered: true, $db: "LibreChat" } ninserted:0 writeConcernErrors:0 writeErrors:1 exception: E11000 duplicate key error collection: LibreChat.messages index: messageId_1 dup key: { : "abc" } code:11000 numYields:0 reslen:312 locks:{} protocol:op_msg 1ms',
  '2015-09-23T14:40:21.901-0400 I COMMAND  [conn2] command test.collection command: find { find: "collection", filter: { a: { $gt: 3.0 } } } planSummary: COLLSCAN keysExamined:0 docsExamined:2 numYields:0 nreturned:0 reslen:106 0ms',
  "2014-11-03T18:28:32.450-0500 I NETWORK  [initandlisten] waiting for connections on port 27017",
  "Fri Mar  1 10:00:00.123 I WRITE    [conn3] update test.so query: { foo: 6 } update: { $set: { foo: 5 } } exception: E11000 duplicate key error index: test.so.$foo_1  dup key: { : 5.0 } code:11001 numYields:0 0ms",
  "2019-03-01T10:00:02.000Z W COMMAND  [conn9] Unable to acquire IX lock on '{ 8576409733318454219: Database, 1659 }' within 5ms. opId: 5",
  "2019-03-01T10:00:03.000+0000 E STORAGE  [conn4] WiredTiger error (24) [1551434403:0], file:collection-2.wt, WT_SESSION.open_cursor: Too many open files",
  "2019-03-01T10:00:04.000+0000 I NETWORK  [listener] connection refused because too many open connections: 819",
  // 4.0-4.2 (curop.cpp): the severity padded to two, the error as `ok:0 errMsg:"…" errName:… errCode:…`.
  '2020-01-15T10:00:00.123+0000 I  COMMAND  [conn23] command LibreChat.messages command: insert { insert: "messages", ordered: true, $db: "LibreChat" } ninserted:0 numYields:0 ok:0 errMsg:"E11000 duplicate key error collection: LibreChat.messages index: messageId_1 dup key: { messageId: \\"abc\\" }" errName:DuplicateKey errCode:11000 reslen:245 locks:{} protocol:op_msg 0ms',
].join("\n");

const JSON_LOG = [
  {
    t: { $date: "2021-06-09T12:00:00.123+00:00" },
    s: "I",
    c: "WRITE",
    id: 51803,
    ctx: "conn5",
    msg: "Slow query",
    attr: {
      type: "insert",
      ns: "LibreChat.messages",
      appName: "api",
      ninserted: 0,
      ok: 0,
      errMsg: 'E11000 duplicate key error collection: LibreChat.messages index: messageId_1 dup key: { messageId: "abc" }',
      errName: "DuplicateKey",
      errCode: 11000,
      durationMillis: 3,
    },
  },
  {
    t: { $date: "2021-06-09T12:00:01.000+00:00" },
    s: "I",
    c: "COMMAND",
    id: 51803,
    ctx: "conn5",
    msg: "Slow query",
    attr: {
      type: "command",
      ns: "LibreChat.conversations",
      command: { findAndModify: "conversations" },
      ok: 0,
      error: {
        code: 11000,
        codeName: "DuplicateKey",
        errmsg: 'E11000 duplicate key error collection: LibreChat.conversations index: conversationId_1 dup key: { conversationId: "c-1" }',
        keyPattern: { conversationId: 1 },
        keyValue: { conversationId: "c-1" },
      },
      durationMillis: 2,
    },
  },
  {
    t: { $date: "2021-06-09T12:00:02.000+00:00" },
    s: "I",
    c: "WRITE",
    id: 51803,
    ctx: "conn7",
    msg: "Slow query",
    attr: {
      type: "update",
      ns: "app.counters",
      ok: 0,
      errMsg: "WriteConflict error: this operation conflicted with another operation. Please retry your operation or multi-document transaction.",
      errName: "WriteConflict",
      errCode: 112,
      durationMillis: 5,
    },
  },
  {
    t: { $date: "2021-06-09T12:00:03.000+00:00" },
    s: "I",
    c: "COMMAND",
    id: 51803,
    ctx: "conn8",
    msg: "Slow query",
    attr: { type: "command", ns: "app.jobs", ok: 0, errMsg: "operation exceeded time limit", errName: "MaxTimeMSExpired", errCode: 50, durationMillis: 1001 },
  },
  {
    t: { $date: "2021-06-09T12:00:04.000+00:00" },
    s: "I",
    c: "COMMAND",
    id: 51803,
    ctx: "conn8",
    msg: "Slow query",
    attr: { type: "command", ns: "app.jobs", command: { find: "jobs" }, planSummary: "IXSCAN { _id: 1 }", durationMillis: 150 },
  },
]
  .map((o) => JSON.stringify(o))
  .join("\n");

describe("mongod before 4.4 (plain text)", () => {
  it("reads every line as a MongoDB record, with the kind a failed write carries at info level", () => {
    const { events, unparsed, records } = ingest(LEGACY);
    expect(unparsed).toEqual([]);
    expect(records.map((r) => [r.format, r.severity, r.fields.component])).toEqual([
      ["mongodb", "info", "WRITE"],
      ["mongodb", "info", "COMMAND"],
      ["mongodb", "info", "COMMAND"],
      ["mongodb", "info", "NETWORK"],
      ["mongodb", "info", "WRITE"],
      ["mongodb", "warning", "COMMAND"],
      ["mongodb", "error", "STORAGE"],
      ["mongodb", "info", "NETWORK"],
      ["mongodb", "info", "COMMAND"],
    ]);
    expect(events.map((e) => e.kind)).toEqual([
      "duplicate_key",
      "duplicate_key",
      "unclassified",
      "unclassified",
      "duplicate_key",
      "lock_timeout",
      "fd_exhaustion",
      "too_many_connections",
      "duplicate_key",
    ]);
    expect(records[0].time?.toISOString()).toBe("2019-03-01T10:00:00.123Z");
    expect(records[2].time?.toISOString()).toBe("2015-09-23T18:40:21.901Z");
    expect(records[0].code).toBe("11000");
    expect(records[0].fields).toMatchObject({ ctx: "conn12", ns: "LibreChat.messages" });
  });

  it("extracts collection, index and key like the driver's error, 3.x's `{ : value }` and 2.x's `index: db.c.$name` too", () => {
    const { events } = ingest(LEGACY);
    const records = () => ingest(LEGACY).records;
    expect(events[0].title).toBe("Duplicate key on LibreChat.messages index messageId_1");
    expect(events[0].entities).toEqual([
      { type: "collection", value: "LibreChat.messages" },
      { type: "index", value: "messageId_1" },
      { type: "messageId", value: "abc" },
    ]);
    expect(events[1].fingerprint).toBe(events[0].fingerprint);
    expect(events[4].entities).toEqual([
      { type: "collection", value: "test.so" },
      { type: "index", value: "foo_1" },
      { type: "foo", value: "5.0" },
    ]);
    expect(events[2].opensIncident).toBe(false);
    expect(events[8].entities).toEqual(events[0].entities);
    expect(events[8].fingerprint).toBe(events[0].fingerprint);
    expect(records()[8].code).toBe("11000");
  });
});

describe("mongod 4.4+ (JSON)", () => {
  it("reads the error of a slow-operation record from attr.errMsg, attr.error and errCode", () => {
    const { events, unparsed } = ingest(JSON_LOG);
    expect(unparsed).toEqual([]);
    expect(events.map((e) => e.kind)).toEqual(["duplicate_key", "duplicate_key", "serialization_failure", "statement_timeout", "unclassified"]);
    expect(events[0].title).toBe("Duplicate key on LibreChat.messages index messageId_1");
    // The key is read once, though errmsg and keyValue both carry it; keyPattern's 1 is no value.
    expect(events[1].entities).toEqual([
      { type: "collection", value: "LibreChat.conversations" },
      { type: "index", value: "conversationId_1" },
      { type: "conversationId", value: "c-1" },
    ]);
    expect(events[4].opensIncident).toBe(false);
  });

  it("gives the legacy and the JSON line of one failed insert the same incident", () => {
    const legacy = ingest(LEGACY).events[0];
    const json = ingest(JSON_LOG).events[0];
    expect(json.fingerprint).toBe(legacy.fingerprint);
  });
});
