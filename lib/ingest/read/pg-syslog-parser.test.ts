import { describe, expect, it } from "vitest";
import { readFixture, readText } from "./fixture-harness";

// Captured by scripts/fixtures/capture-pg-syslog.sh: one real PostgreSQL 15 logging to stderr and
// syslog at once, its syslog read by a real rsyslog into three file formats plus the raw datagrams.
const WRAPPERS = [
  ["traditional", "RFC 3164 (rsyslog traditional)"],
  ["fileformat", "rsyslog file format (ISO stamps)"],
  ["rfc5424", "RFC 5424"],
  ["raw", "RFC 3164 (as sent, no host)"],
] as const;
// The deadlock's first line is the checking backend's "detected deadlock while waiting" (a lock
// wait, at LOG), then the victim's ERROR: deadlock detected.
const EXPECTED_KINDS = ["lock_wait", "deadlock", "lock_wait", "lock_acquired", "duplicate_key", "duplicate_key"];
const shape = (r: { level: string; message: string; detail?: string; hint?: string; context?: string; statement?: string; time: Date | null }) => ({
  level: r.level,
  message: r.message,
  detail: r.detail,
  hint: r.hint,
  context: r.context,
  statement: r.statement,
  time: r.time?.toISOString(),
});

describe.each(["seq", "noseq"])("PostgreSQL through syslog (syslog_sequence_numbers and syslog_split_messages %s)", (mode) => {
  const stderr = readFixture(`real-syslog-${mode}-stderr.log`);

  it("the stderr log of the same server is the reference", () => {
    expect(stderr.detection?.format).toBe("pg-stderr");
    expect(stderr.unparsed).toEqual([]);
    expect(stderr.records).toHaveLength(18);
    expect(stderr.kinds.filter((k) => k !== "unclassified")).toEqual(EXPECTED_KINDS);
  });

  it.each(WRAPPERS)("%s: the same events, kinds and fields as stderr", (file, wrapper) => {
    const s = readFixture(`real-syslog-${mode}-${file}.log`);
    expect(s.detection).toMatchObject({ format: "pg-syslog", prefix: "%m [%p] %q%u@%d ", shape: wrapper, fellBack: false });
    expect(s.unparsed).toEqual([]);
    // Every line read belongs to one event; the postmaster's notice before the collector started is syslog's alone.
    expect(s.records.reduce((n, r) => n + r.lines, 0)).toBe(s.lines);
    expect(s.records[0].message).toBe("redirecting log output to logging collector process");
    expect(s.records[0].hint).toMatch(/^Future log output will appear in directory/);
    const rest = s.records.slice(1);
    expect(rest.map(shape)).toEqual(stderr.records.map(shape));
    expect(s.kinds.slice(1)).toEqual(stderr.kinds);
    expect(rest.every((r) => r.format === "pg-syslog" && typeof r.fields.pid === "number" && r.fields.pid > 0)).toBe(true);
  });
});

describe("PostgreSQL through syslog with log_line_prefix = '' (syslog's stamp and pid are the only ones)", () => {
  const stderr = readFixture("real-syslog-bare-stderr.log");
  const noTime = (r: Parameters<typeof shape>[0]) => ({ ...shape(r), time: undefined });

  it("the stderr log without a prefix reads too", () => {
    expect(stderr.detection).toMatchObject({ format: "pg-stderr", prefix: "" });
    expect(stderr.unparsed).toEqual([]);
    // This run's deadlock victim's partner also waited past deadlock_timeout, then got its lock.
    expect(stderr.kinds.filter((k) => k !== "unclassified")).toEqual([
      "lock_wait",
      "deadlock",
      "lock_wait",
      "lock_acquired",
      "lock_wait",
      "lock_acquired",
      "duplicate_key",
      "duplicate_key",
    ]);
    expect(stderr.records).toHaveLength(20);
  });

  it.each(WRAPPERS)("%s: the same events and kinds, the time and pid from the syslog header", (file, wrapper) => {
    const s = readFixture(`real-syslog-bare-${file}.log`);
    expect(s.detection).toMatchObject({ format: "pg-syslog", prefix: "", shape: wrapper });
    expect(s.unparsed).toEqual([]);
    expect(s.records.slice(1).map(noTime)).toEqual(stderr.records.map(noTime));
    expect(s.kinds.slice(1)).toEqual(stderr.kinds);
    expect(s.records.every((r) => r.time !== null && (r.fields.pid as number) > 0)).toBe(true);
  });
});

describe("syslog chunks", () => {
  it("joins a line syslog cut at 900 bytes and keeps tab-led continuations apart", () => {
    const s = readFixture("real-syslog-seq-traditional.log");
    const syntax = s.records.find((r) => r.message.startsWith("syntax error"))!;
    expect(syntax.lines).toBe(4);
    expect(syntax.statement).toBe(readFixture("real-syslog-seq-stderr.log").records.find((r) => r.message.startsWith("syntax error"))!.statement);
    const deadlock = s.records.find((r) => r.message === "deadlock detected")!;
    expect(deadlock.detail?.split("\n")).toHaveLength(4);
  });

  it("interleaved reports of two processes stay apart; bare [N] chunks (sequence numbers off) join", () => {
    const text = [
      "Dec  1 13:20:00 db1 postgres[10]: [7-1] ERROR:  deadlock detected",
      "Dec  1 13:20:00 db1 postgres[11]: [3-1] LOG:  process 11 still waiting for ShareLock on transaction 5 after 100.1 ms",
      "Dec  1 13:20:00 db1 postgres[10]: [7-2] DETAIL:  Process 10 waits for ShareLock on transaction 6; blocked by process 12.",
      "Dec  1 13:20:00 db1 postgres[11]: [3-2] DETAIL:  Process holding the lock: 12. Wait queue: 11.",
      "Dec  1 13:20:00 db1 postgres[10]: [7-3] #011Process 12 waits for ShareLock on transaction 7; blocked by process 10.",
      "Dec  1 13:20:01 db1 CRON[99]: (root) CMD (run-parts /etc/cron.hourly)",
    ].join("\n");
    const s = readText(text);
    expect(s.kinds).toEqual(["deadlock", "lock_wait", "unclassified"]);
    expect(s.records[0].detail).toBe(
      "Process 10 waits for ShareLock on transaction 6; blocked by process 12.\nProcess 12 waits for ShareLock on transaction 7; blocked by process 10.",
    );
    expect(s.records[0].time?.toISOString()).toBe("2026-12-01T13:20:00.000Z");
    expect(s.records[2]).toMatchObject({ format: "syslog", message: "(root) CMD (run-parts /etc/cron.hourly)" });
    const chunks = readText(
      [
        '<131>Dec  1 13:20:00 postgres[10]: [1] user=app,db=shop ERROR:  duplicate key value violates unique constraint "u"',
        "<131>Dec  1 13:20:00 postgres[10]: [2] user=app,db=shop DETAIL:  Key (k)=(1) already exists.",
        "<131>Dec  1 13:20:02 postgres[10]: [1] user=app,db=shop ERROR:  deadlock detected",
      ].join("\n"),
    );
    expect(chunks.detection).toMatchObject({ prefix: "user=%u,db=%d ", bareNumbers: "chunk" });
    expect(chunks.kinds).toEqual(["duplicate_key", "deadlock"]);
    expect(chunks.records[0]).toMatchObject({ detail: "Key (k)=(1) already exists.", fields: expect.objectContaining({ user: "app", db: "shop", pid: 10 }) });
  });

  it("without numbers (stderr through journald, one entry a line) DETAIL and tab-led lines continue the report", () => {
    const s = readText(
      [
        "Dec 01 13:20:00 db1 postgres[10]: 2026-12-01 13:20:00.100 UTC [10] app@shop ERROR:  deadlock detected",
        "Dec 01 13:20:00 db1 postgres[10]: 2026-12-01 13:20:00.100 UTC [10] app@shop DETAIL:  Process 10 waits for ShareLock on transaction 6; blocked by process 12.",
        "Dec 01 13:20:00 db1 postgres[10]: \tProcess 12 waits for ShareLock on transaction 7; blocked by process 10.",
        "Dec 01 13:20:01 db1 postgres[10]: 2026-12-01 13:20:01.000 UTC [10] app@shop LOG:  process 10 still waiting for ShareLock on transaction 5 after 100.1 ms",
      ].join("\n"),
    );
    expect(s.detection).toMatchObject({ format: "pg-syslog", prefix: "%m [%p] %q%u@%d " });
    expect(s.kinds).toEqual(["deadlock", "lock_wait"]);
    expect(s.records[0]).toMatchObject({
      lines: 3,
      detail:
        "Process 10 waits for ShareLock on transaction 6; blocked by process 12.\nProcess 12 waits for ShareLock on transaction 7; blocked by process 10.",
      time: new Date("2026-12-01T13:20:00.100Z"),
    });
  });

  it("a message sent whole with raw newlines (no splitting, no escaping): the header-less lines are its rest", () => {
    const s = readText(
      [
        "2026-12-01T13:20:00.100000+00:00 db1 postgres[10]: 2026-12-01 13:20:00.100 UTC [10] ERROR:  deadlock detected",
        "2026-12-01 13:20:00.100 UTC [10] DETAIL:  Process 10 waits for ShareLock on transaction 6; blocked by process 12.",
        "\tProcess 12 waits for ShareLock on transaction 7; blocked by process 10.",
        "2026-12-01T13:20:01.000000+00:00 db1 postgres[11]: 2026-12-01 13:20:01.000 UTC [11] LOG:  checkpoint starting: time",
      ].join("\n"),
    );
    expect(s.unparsed).toEqual([]);
    expect(s.kinds).toEqual(["deadlock", "unclassified"]);
    expect(s.records[0]).toMatchObject({
      lines: 3,
      detail:
        "Process 10 waits for ShareLock on transaction 6; blocked by process 12.\nProcess 12 waits for ShareLock on transaction 7; blocked by process 10.",
    });
  });

  it("a December stamp read in January belongs to the year before", () => {
    const s = readText("Dec 31 23:59:59 db1 postgres[10]: [1-1] LOG:  checkpoint starting: time", { refTime: new Date("2027-01-01T00:10:00Z") });
    expect(s.records[0].time?.toISOString()).toBe("2026-12-31T23:59:59.000Z");
  });
});
