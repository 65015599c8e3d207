import { describe, expect, it } from "vitest";
import { normalizeRecord } from "./normalize-record";
import { splitLines } from "../read/line-splitter";
import type { LogRecord } from "../read/log-record";
import { createParser } from "../read/parsers";

function kinds(text: string) {
  const records: LogRecord[] = [];
  const p = createParser("app", { record: (r) => records.push(r), unparsed: () => {}, blank: () => {} });
  for (const l of splitLines(Buffer.from(text)).lines) p.push(l);
  p.flush();
  return records.map((r) => normalizeRecord(r, `k${r.offset}`, "app", new Date("2026-12-01T00:00:00Z")));
}

describe("known errors in application logs, whatever level they were logged at", () => {
  it("classifies E11000 and pg-pool's connect timeout logged at info", () => {
    const evs = kinds(
      [
        JSON.stringify({
          level: 30,
          time: 1795400000000,
          msg: 'upsert retried: E11000 duplicate key error collection: chat.messages index: messageId_1 dup key: { messageId: "m-1" }',
        }),
        JSON.stringify({ level: "info", message: "Error: timeout exceeded when trying to connect", timestamp: "2026-12-01T10:00:00.000Z" }),
        "2026-12-01T10:00:01.000Z info: user signed in",
      ].join("\n"),
    );
    expect(evs.map((e) => [e.kind, e.severity, e.opensIncident])).toEqual([
      ["duplicate_key", "info", true],
      ["pool_timeout", "info", true],
      ["unclassified", "info", false],
    ]);
    expect(evs[0].entities).toEqual(expect.arrayContaining([{ type: "messageId", value: "m-1" }]));
  });

  it("gives PostgreSQL's own text quoted by an app the server's lock and duplicate-key kinds and entities", () => {
    const evs = kinds(
      [
        '2026-12-01T10:00:00.000Z ERROR error: duplicate key value violates unique constraint "session_session_uuid_key"',
        "2026-12-01T10:00:01.000Z warn pg notice: process 4211 still waiting for ShareLock on transaction 77 after 1000.2 ms",
        JSON.stringify({ level: "info", msg: "pg: process 4211 acquired ExclusiveLock on advisory lock [16384,0,7,1] after 2001.5 ms" }),
        JSON.stringify({
          level: "error",
          msg: "query failed",
          err: {
            message: "deadlock detected",
            code: "40P01",
            detail:
              "Process 1 waits for ShareLock on transaction 9; blocked by process 2.\nProcess 2 waits for ShareLock on transaction 8; blocked by process 1.",
          },
        }),
        JSON.stringify({
          level: "error",
          msg: "insert failed",
          err: {
            message: 'duplicate key value violates unique constraint "u_email"',
            code: "23505",
            detail: "Key (email)=(a@b.c) already exists.",
            constraint: "u_email",
          },
        }),
      ].join("\n"),
    );
    expect(evs.map((e) => e.kind)).toEqual(["duplicate_key", "lock_wait", "lock_acquired", "deadlock", "duplicate_key"]);
    expect(evs[0].title).toBe("Duplicate key on session_session_uuid_key");
    expect(evs[1].entities).toEqual([{ type: "pid", value: "4211", role: "waiter" }]);
    expect(evs[2].entities).toEqual(expect.arrayContaining([{ type: "advisory_lock", value: "7", role: "bigint" }]));
    expect(evs[3].entities.filter((e) => e.type === "pid")).toHaveLength(2);
    expect(evs[4].entities).toEqual([{ type: "email", value: "a@b.c" }]);
  });
});
