import { describe, expect, it } from "vitest";
import { readFixture, readText } from "./fixture-harness";

// The same server run as real-syslog-seq-stderr.log (scripts/fixtures/capture-pg-syslog.sh), its
// reports written as each managed platform documents its log lines: Heroku Postgres
// (devcenter "Heroku Postgres logs": `app[postgres.PID]: [COLOR] [N-M]  sql_error_code = …`, a
// continuation a chunk of its own), Cloud SQL (a Cloud Logging LogEntry per stderr line, prefix
// `%m [%p]: [%l-1] db=%d,user=%u `), journald (`journalctl -o json` of the same syslog
// messages: MESSAGE, SYSLOG_IDENTIFIER, SYSLOG_PID, __REALTIME_TIMESTAMP), CloudNativePG ("Logging": `{level, ts, logger, msg: "record",
// record: {csvlog columns}}`), Amazon RDS (`%t:%r:%u@%d:[%p]:`) and Azure (`%t-%c-`).
const stderr = readFixture("real-syslog-seq-stderr.log");
const shape = (r: { level: string; message: string; detail?: string; hint?: string; context?: string; statement?: string }) => ({
  level: r.level,
  message: r.message,
  detail: r.detail,
  hint: r.hint,
  context: r.context,
  statement: r.statement,
});

describe.each([
  ["heroku-logplex.log", { format: "pg-syslog", prefix: " sql_error_code = %e ", shape: "Heroku logplex" }, "pg-heroku", 0],
  ["cloudsql-textpayload.ndjson", { format: "pg-cloudsql", prefix: "%m [%p]: [%l-1] db=%d,user=%u ", shape: "Google Cloud SQL LogEntry" }, "pg-cloudsql", 0],
  ["cloudnativepg.ndjson", { format: "app", shape: "CloudNativePG JSON" }, "pg-cnpg", 1],
  ["journald-json.ndjson", { format: "pg-syslog", prefix: "%m [%p] %q%u@%d ", shape: "journald JSON" }, "pg-syslog", 1],
  ["rds-postgresql.log", { format: "pg-stderr", prefix: "%t:%r:%u@%d:[%p]:" }, "pg-stderr", 0],
  ["azure-postgresql.log", { format: "pg-stderr", prefix: "%t-%c-" }, "pg-stderr", 0],
] as const)("%s", (file, detection, format, extra) => {
  const r = readFixture(file);

  it("is detected, and every line belongs to one event", () => {
    expect(r.detection).toMatchObject({ ...detection, fellBack: false });
    expect(r.unparsed).toEqual([]);
    expect(r.records).toHaveLength(stderr.records.length + extra);
    expect(r.records.reduce((n, x) => n + x.lines, 0)).toBe(r.lines);
  });

  it("yields the events and kinds of the same server's stderr log", () => {
    const recs = r.records.slice(extra);
    expect(recs.map(shape)).toEqual(stderr.records.map(shape));
    expect(r.kinds.slice(extra)).toEqual(stderr.kinds);
    expect(recs.every((x) => x.format === format && x.time !== null)).toBe(true);
  });
});

describe("envelope details", () => {
  it("Heroku: the record's SQLSTATE comes from the prefix, the pid from the process name, the time from logplex", () => {
    const h = readFixture("heroku-logplex.log").records.find((x) => x.message === "deadlock detected")!;
    expect(h).toMatchObject({ code: "40P01", time: new Date("2026-12-01T13:31:48Z"), fields: expect.objectContaining({ pid: 1013, syslogTag: "app" }) });
  });

  it("Heroku's newer prefix (time_ms, pid, user, database) and the old colour-after-sequence lines", () => {
    const s = readText(
      [
        `2026-12-01T13:40:00.000000+00:00 app[postgres.4242]: [HEROKU_POSTGRESQL_BLUE] [14-1]  sql_error_code = 23505 time_ms = "2026-12-01 13:40:00.123 UTC" pid="4242" proc_start_time="2026-12-01 13:00:00 UTC" session_id="674c6b94.1092" vtid="3/45" tid="789" log_line="5" database="shop" connection_source="10.0.0.5(40000)" user="app" application_name="web" ERROR:  duplicate key value violates unique constraint "orders_pkey"`,
        `2026-12-01T13:40:00.000000+00:00 app[postgres.4242]: [HEROKU_POSTGRESQL_BLUE] [14-2]  sql_error_code = 23505 time_ms = "2026-12-01 13:40:00.123 UTC" pid="4242" proc_start_time="2026-12-01 13:00:00 UTC" session_id="674c6b94.1092" vtid="3/45" tid="789" log_line="6" database="shop" connection_source="10.0.0.5(40000)" user="app" application_name="web" DETAIL:  Key (id)=(7) already exists.`,
      ].join("\n"),
    );
    expect(s.kinds).toEqual(["duplicate_key"]);
    expect(s.records[0]).toMatchObject({
      detail: "Key (id)=(7) already exists.",
      time: new Date("2026-12-01T13:40:00.123Z"),
      fields: expect.objectContaining({ user: "app", db: "shop", app: "web", pid: 4242 }),
    });
    const old = readText(
      "2012-11-01T17:41:42+00:00 app[postgres]: [15521-1]  [CHARCOAL] ERROR:  deadlock detected\n2012-11-01T17:41:42+00:00 app[postgres]: [15521-2]  [CHARCOAL] DETAIL:  Process 1 waits for ShareLock on transaction 2; blocked by process 3.",
    );
    expect(old.kinds).toEqual(["deadlock"]);
    expect(old.records[0].detail).toBe("Process 1 waits for ShareLock on transaction 2; blocked by process 3.");
  });

  it("Cloud SQL's jsonPayload in PostgreSQL's JSON log format is a record of its own", () => {
    const entry = (p: object) =>
      JSON.stringify({
        insertId: "x",
        logName: "projects/p/logs/cloudsql.googleapis.com%2Fpostgres.log",
        resource: { type: "cloudsql_database" },
        severity: "ERROR",
        jsonPayload: p,
        timestamp: "2026-12-01T13:40:00.123Z",
      });
    const s = readText(
      [
        entry({
          timestamp: "2026-12-01 13:40:00.123 UTC",
          pid: 7,
          error_severity: "ERROR",
          state_code: "40P01",
          message: "deadlock detected",
          detail: "Process 7 waits for ShareLock on transaction 1; blocked by process 8.",
        }),
        entry({
          timestamp: "2026-12-01 13:40:01.000 UTC",
          pid: 9,
          error_severity: "LOG",
          message: "process 9 still waiting for ShareLock on transaction 1 after 1000.1 ms",
        }),
      ].join("\n"),
    );
    expect(s.detection?.format).toBe("pg-cloudsql");
    expect(s.kinds).toEqual(["deadlock", "lock_wait"]);
    expect(s.records.map((x) => x.format)).toEqual(["pg-cloudsql", "pg-cloudsql"]);
  });

  it("CloudNativePG: the operator's own lines stay application records, the record inside is the event", () => {
    const c = readFixture("cloudnativepg.ndjson");
    expect(c.records[0]).toMatchObject({ format: "app-json", message: "Starting CloudNativePG Instance Manager" });
    expect(c.records.find((x) => x.code === "40P01")).toMatchObject({
      message: "deadlock detected",
      fields: expect.objectContaining({ pid: 1013, user: "postgres", pod: "shop-db-1" }),
    });
  });
});
