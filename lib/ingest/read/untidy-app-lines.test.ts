import { describe, expect, it } from "vitest";
import { readText } from "./fixture-harness";

// Shapes pasted into public bug reports: gulp/nodemon's `[01:27:21]`, forever/winston's
// `5 Mar 12:32:06 - info:`, a worker's `11:25:21 (28080) ERROR`, ctime stamps, Node's util.inspect
// of errors before Node 12, and loggers that stamp every stack line.
const file = new Date("2026-12-01T15:00:00Z");

describe("partial stamps", () => {
  it("a time-only stamp takes its date from the file's modification time, and says so", () => {
    const r = readText(
      ["[01:27:21] Using gulpfile ~/app/gulpfile.js", "[01:27:22] Error: EMFILE: too many open files, watch", "[01:27:22] warn pool exhausted"].join("\n"),
      { refTime: file },
    );
    expect(r.unparsed).toEqual([]);
    expect(r.records.map((x) => [x.time?.toISOString(), x.level, x.fields.timestampInferred])).toEqual([
      ["2026-12-01T01:27:21.000Z", "INFO", "date from the file's modification time"],
      ["2026-12-01T01:27:22.000Z", "ERROR", "date from the file's modification time"],
      ["2026-12-01T01:27:22.000Z", "WARN", "date from the file's modification time"],
    ]);
    expect(r.kinds[1]).toBe("fd_exhaustion");
  });

  it("takes the date of the last full stamp, and rolls over midnight", () => {
    const r = readText(
      [
        "2026-11-20 23:59:58,120 INFO worker started",
        "23:59:59 (28080) ERROR connection pool timeout",
        "00:00:01 (28080) Error: timeout exceeded when trying to connect",
      ].join("\n"),
      { refTime: file },
    );
    expect(r.records.map((x) => x.time?.toISOString())).toEqual(["2026-11-20T23:59:58.120Z", "2026-11-20T23:59:59.000Z", "2026-11-21T00:00:01.000Z"]);
    expect(r.records[2].fields.timestampInferred).toBe("date from an earlier line");
    expect(r.records.map((x) => x.level)).toEqual(["INFO", "ERROR", "ERROR"]);
  });

  it("a time later than the file's last write belongs to the day before; no file time: the ingest time", () => {
    const r = readText("16:00:00 ERROR late", { refTime: file });
    expect(r.records[0].time?.toISOString()).toBe("2026-11-30T16:00:00.000Z");
    const now = readText("00:00:00 info boot", { refTime: undefined });
    expect(now.records[0].fields.timestampInferred).toMatch(/^date from (the ingest time|the file's modification time)$/);
  });

  it("day-month and ctime stamps, with and without a year", () => {
    const r = readText(
      [
        "5 Mar 12:32:06 - info: Forever detected script exited with code: 1",
        "Wed Mar  5 12:32:07 2025 error: EMFILE, too many open files",
        "Mar  5 12:32:08 - warn: retrying",
        "Wed Mar  5 12:32:09 Error: connect ECONNREFUSED 127.0.0.1:5432",
      ].join("\n"),
      { refTime: new Date("2026-03-06T00:00:00Z") },
    );
    expect(r.unparsed).toEqual([]);
    expect(r.records.map((x) => [x.time?.toISOString(), x.level, x.fields.timestampInferred ?? null])).toEqual([
      ["2026-03-05T12:32:06.000Z", "INFO", "year from the file's modification time"],
      ["2025-03-05T12:32:07.000Z", "ERROR", null],
      ["2025-03-05T12:32:08.000Z", "WARN", "year from an earlier line"],
      ["2025-03-05T12:32:09.000Z", "ERROR", "year from an earlier line"],
    ]);
    expect(r.records[1].message).toBe("EMFILE, too many open files");
    expect(r.detection).toMatchObject({ format: "app", shape: "application text", matched: 4, sampled: 4 });
  });
});

describe("Node's error objects and stamped stacks", () => {
  it("`{ Error: EMFILE … code: 'EMFILE' … }` over several lines is one event", () => {
    const r = readText(
      [
        "{ Error: EMFILE: too many open files, open '/srv/app/uploads/a.png'",
        "    at Object.fs.openSync (fs.js:646:18)",
        "    at Object.fs.readFileSync (fs.js:551:33)",
        "  errno: -24,",
        "  code: 'EMFILE',",
        "  syscall: 'open',",
        "  path: '/srv/app/uploads/a.png' }",
        "{ [Error: connect ECONNREFUSED]",
        "  code: 'ECONNREFUSED',",
        "  errno: 'ECONNREFUSED',",
        "  syscall: 'connect' }",
        "{ [Error: EMFILE, open '/tmp/x'] errno: 20, code: 'EMFILE', path: '/tmp/x' }",
      ].join("\n"),
    );
    expect(r.unparsed).toEqual([]);
    expect(r.records.map((x) => [x.lines, x.code, x.message])).toEqual([
      [7, "EMFILE", "Error: EMFILE: too many open files, open '/srv/app/uploads/a.png'"],
      [4, "ECONNREFUSED", "Error: connect ECONNREFUSED"],
      [1, "EMFILE", "Error: EMFILE, open '/tmp/x'"],
    ]);
    expect(r.kinds).toEqual(["fd_exhaustion", r.kinds[1], "fd_exhaustion"]);
  });

  it("an error object under the stamped line that logged it joins that line", () => {
    const r = readText(
      ["2026-12-01T10:00:00.000Z error: upload failed", "{ Error: EMFILE: too many open files, open '/x'", "  errno: -24,", "  code: 'EMFILE' }"].join("\n"),
    );
    expect(r.records).toHaveLength(1);
    expect(r.records[0]).toMatchObject({ lines: 4, code: "EMFILE", message: "upload failed" });
  });

  it("stack lines that carry their own stamp stitch into the event above", () => {
    const r = readText(
      [
        "2026-12-01T10:00:00.000Z error: Error: EMFILE: too many open files, open '/x'",
        "2026-12-01T10:00:00.000Z error:     at Object.openSync (node:fs:603:3)",
        "2026-12-01T10:00:00.000Z error:     at readFileSync (node:fs:471:35)",
        "2026-12-01 10:00:01,000 ERROR [main] c.e.Repo - insert failed",
        "2026-12-01 10:00:01,000 ERROR [main] c.e.Repo - Caused by: org.postgresql.util.PSQLException: ERROR: deadlock detected",
        "2026-12-01 10:00:01,000 ERROR [main] c.e.Repo -     ... 12 more",
        "[10:00:02] INFO next job",
      ].join("\n"),
    );
    expect(r.records.map((x) => x.lines)).toEqual([3, 3, 1]);
    expect(r.records[0].message).toBe("Error: EMFILE: too many open files, open '/x'");
  });
});
