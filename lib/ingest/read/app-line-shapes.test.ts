import { describe, expect, it } from "vitest";
import { normalizeRecord } from "../classify/normalize-record";
import { readText } from "./fixture-harness";

// Application log shapes as their frameworks document them (Go's log package, nginx's error_log,
// Ruby's Logger, the common/combined access log, log4j/logback with stack traces, Django's
// logging, Sequelize's error printout, Python's logging.basicConfig, Rust's env_logger), and the
// errors their pools and engines print (HikariCP, the MongoDB drivers, PgBouncer, RocksDB).
const file = new Date("2026-12-01T15:00:00Z");
const read = (lines: string[]) => readText(lines.join("\n"), { refTime: file });
const rows = (r: ReturnType<typeof readText>) => r.records.map((x, i) => [r.kinds[i], x.level, x.time?.toISOString() ?? null, x.lines]);

describe("application stamps and headers", () => {
  it("Go's log package and nginx's error log stamp `2026/12/01 10:00:00`", () => {
    const r = read([
      `2026/12/01 10:00:00 ERROR: duplicate key value violates unique constraint "users_email_key" (SQLSTATE 23505)`,
      "2026/12/01 10:00:01 http: Accept error: accept tcp [::]:8080: accept4: too many open files; retrying in 5ms",
      "2026/12/01 10:00:02 [crit] 123#0: *4 accept4() failed (24: Too many open files)",
    ]);
    expect(r.unparsed).toEqual([]);
    expect(rows(r)).toEqual([
      ["duplicate_key", "ERROR", "2026-12-01T10:00:00.000Z", 1],
      // "Accept error" is read as its level word.
      ["fd_exhaustion", "ERROR", "2026-12-01T10:00:01.000Z", 1],
      ["fd_exhaustion", "CRIT", "2026-12-01T10:00:02.000Z", 1],
    ]);
  });

  it("Ruby's Logger: its severity letter, stamp and pid, the level word and progname", () => {
    const r = read([
      'I, [2026-12-01T10:00:00.123456 #4242]  INFO -- : Started POST "/visits"',
      'E, [2026-12-01T10:00:00.223456 #4242] ERROR -- web: PG::UniqueViolation: ERROR:  duplicate key value violates unique constraint "visits_pkey"',
      "DETAIL:  Key (id)=(7d2c) already exists.",
    ]);
    expect(r.unparsed).toEqual([]);
    expect(rows(r)).toEqual([
      ["unclassified", "INFO", "2026-12-01T10:00:00.123Z", 1],
      ["duplicate_key", "ERROR", "2026-12-01T10:00:00.223Z", 2],
    ]);
    expect(r.records[1].text).toContain("Key (id)=(7d2c) already exists.");
    // The key the DETAIL line names is the incident's entity, as in PostgreSQL's own log.
    const ev = normalizeRecord(r.records[1], "k", "app", file);
    expect(ev.entities.map((e) => [e.type, e.value])).toEqual([["id", "7d2c"]]);
  });

  it("Rails' error in parentheses: the DETAIL and the closing bracket belong to the one record", () => {
    const r = read([
      'E, [2026-12-01T10:00:00.123456 #1234] ERROR -- : ActiveRecord::RecordNotUnique (PG::UniqueViolation: ERROR:  duplicate key value violates unique constraint "index_users_on_email"',
      "DETAIL:  Key (email)=(a@b.c) already exists.",
      ")",
      "E, [2026-12-01T10:00:01.000000 #1234] ERROR -- : Completed 500 Internal Server Error in 12ms",
    ]);
    expect(r.unparsed).toEqual([]);
    expect(rows(r)).toEqual([
      ["duplicate_key", "ERROR", "2026-12-01T10:00:00.123Z", 3],
      ["unclassified", "ERROR", "2026-12-01T10:00:01.000Z", 1],
    ]);
    expect(normalizeRecord(r.records[0], "k", "app", file).entities.map((e) => [e.type, e.value])).toEqual([["email", "a@b.c"]]);
  });

  it("console output without a logger: a line naming a known failure is its event (no time), any other stays unparsed", () => {
    const r = read([
      "prisma:error ",
      "Invalid `prisma.session.create()` invocation:",
      "Unique constraint failed on the fields: (`sessionId`)",
      "some words nobody logged on purpose",
      "deadlock detected",
    ]);
    expect(rows(r)).toEqual([
      ["duplicate_key", "ERROR", null, 1],
      ["deadlock", "ERROR", null, 1],
    ]);
    expect(r.unparsed.map((u) => u.raw)).toEqual(["prisma:error ", "Invalid `prisma.session.create()` invocation:", "some words nobody logged on purpose"]);
  });

  it("a lone bracket with no record before it is kept unparsed, not made an event", () => {
    const r = read([")", "}"]);
    expect(r.records).toEqual([]);
    expect(r.unparsed.map((u) => u.raw)).toEqual([")", "}"]);
  });

  it("an access log line: its status gives the level, a 429 is HTTP 429", () => {
    const r = read([
      '10.0.0.7 - - [01/Dec/2026:10:00:00 +0000] "GET /health HTTP/1.1" 200 2 "-" "kube-probe/1.31"',
      '10.0.0.8 - alice [01/Dec/2026:11:00:01 +0100] "POST /api/memory HTTP/1.1" 429 31 "-" "python-requests/2.32"',
      '10.0.0.9 - - [01/Dec/2026:10:00:02 +0000] "POST /api/run HTTP/2.0" 503 0 "-" "curl/8.5"',
    ]);
    expect(r.unparsed).toEqual([]);
    expect(rows(r)).toEqual([
      ["unclassified", "INFO", "2026-12-01T10:00:00.000Z", 1],
      ["http_429", "WARNING", "2026-12-01T10:00:01.000Z", 1],
      ["unclassified", "ERROR", "2026-12-01T10:00:02.000Z", 1],
    ]);
    expect(r.records.map((x) => x.fields.httpStatus)).toEqual([200, 429, 503]);
  });

  it("a line that starts with its level and no stamp (Python's default format, `[WARN]`) is a record, not unparsed", () => {
    const r = read(["ERROR:app.db:sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 10 reached, connection timed out", "[WARN] retrying"]);
    expect(r.unparsed).toEqual([]);
    expect(r.records.map((x) => [x.level, x.time])).toEqual([
      ["ERROR", null],
      ["WARN", null],
    ]);
    expect(r.kinds[0]).toBe("pool_timeout");
  });

  it("logfmt (logrus, Go's log/slog text handler): its keys as a JSON logger's, entities from them too", () => {
    const r = read([
      'time="2026-12-01T10:00:00Z" level=error msg="update failed" err="pq: canceling statement due to lock timeout" user_id=42',
      'time=2026-12-01T10:00:01.500Z level=ERROR msg="save failed" err="E11000 duplicate key error collection: chat.messages index: messageId_1 dup key: { messageId: \\"m-7\\" }" messageId=m-7',
      "time=2026-12-01T10:00:02Z level=INFO msg=ok",
    ]);
    expect(r.detection).toMatchObject({ format: "app", fellBack: false });
    expect(r.unparsed).toEqual([]);
    expect(rows(r)).toEqual([
      ["lock_timeout", "ERROR", "2026-12-01T10:00:00.000Z", 1],
      ["duplicate_key", "ERROR", "2026-12-01T10:00:01.500Z", 1],
      ["unclassified", "INFO", "2026-12-01T10:00:02.000Z", 1],
    ]);
    expect(r.records[1].json).toMatchObject({ messageId: "m-7" });
  });

  it("Rust's env_logger `stamp LEVEL target: msg` is an application line, not a syslog host and tag", () => {
    const r = read([
      "2026-12-01T10:00:00Z ERROR cozo::storage: IO error: While lock file: /data/db/LOCK: Resource temporarily unavailable",
      "2026-12-01T10:00:01Z INFO  cozo::server: listening",
    ]);
    expect(r.detection).toMatchObject({ format: "app", fellBack: false });
    expect(rows(r)).toEqual([
      ["storage_busy", "ERROR", "2026-12-01T10:00:00.000Z", 1],
      ["unclassified", "INFO", "2026-12-01T10:00:01.000Z", 1],
    ]);
  });
});

describe("errors over several lines", () => {
  it("a logback error with its Java exception, frames and cause is one event, classified by what the exception says", () => {
    const r = read([
      "2026-12-01 10:00:00.123 ERROR 1 --- [nio-8080-exec-7] o.a.tomcat.util.net.NioEndpoint : Socket accept failed",
      "java.io.IOException: Too many open files",
      "\tat java.base/sun.nio.ch.Net.accept(Native Method)",
      "\tat java.base/sun.nio.ch.ServerSocketChannelImpl.implAccept(ServerSocketChannelImpl.java:425)",
      "\t... 3 common frames omitted",
      "Caused by: java.net.SocketException: Too many open files",
      "2026-12-01 10:00:00.200 ERROR 1 --- [main] com.zaxxer.hikari.pool.HikariPool : HikariPool-1 - Connection is not available, request timed out after 30000ms.",
    ]);
    expect(r.unparsed).toEqual([]);
    expect(rows(r)).toEqual([
      ["fd_exhaustion", "ERROR", "2026-12-01T10:00:00.123Z", 6],
      ["pool_timeout", "ERROR", "2026-12-01T10:00:00.200Z", 1],
    ]);
    expect(r.records[0].fields.exceptionType).toBe("java.io.IOException");
  });

  it("Django's IntegrityError with the server's DETAIL under it: one duplicate key on that key", () => {
    const lines = (i: number) => [
      `[2026-12-01 10:00:0${i},123] ERROR django.request: Internal Server Error: /api/visits`,
      "Traceback (most recent call last):",
      '  File "/app/visits/views.py", line 41, in create',
      "    Visit.objects.create(session_uuid=uuid)",
      'django.db.utils.IntegrityError: duplicate key value violates unique constraint "visits_session_uuid_key"',
      `DETAIL:  Key (session_uuid)=(s-${i}) already exists.`,
      `[2026-12-01 10:00:0${i},500] INFO django.server: "POST /api/visits HTTP/1.1" 500 145`,
    ];
    const r = read([...lines(1), ...lines(2), ...lines(3)]);
    // Its DETAIL lines are not a PostgreSQL log with no prefix.
    expect(r.detection).toMatchObject({ format: "app", fellBack: false });
    expect(r.unparsed).toEqual([]);
    expect(r.kinds).toEqual(["duplicate_key", "unclassified", "duplicate_key", "unclassified", "duplicate_key", "unclassified"]);
    expect(r.records[0].lines).toBe(6);
  });

  it("Sequelize's error printout: the driver's fields under the message say what failed, its frames do not", () => {
    const r = read([
      "2026-12-01T10:00:00.000Z error: SequelizeUniqueConstraintError: Validation error",
      "    at Query.formatError (/app/node_modules/sequelize/lib/dialects/postgres/query.js:325:16)",
      '  original: error: duplicate key value violates unique constraint "Users_email_key"',
      "  detail: 'Key (email)=(a@b.c) already exists.',",
    ]);
    expect(r.unparsed).toEqual([]);
    expect(rows(r)).toEqual([["duplicate_key", "ERROR", "2026-12-01T10:00:00.000Z", 4]]);
    expect(r.records[0].text).not.toContain("Query.formatError");
  });
});

describe("JSON exports whose line sits under another key", () => {
  it("Supabase's `event_message` and a shipper's `log` are the message", () => {
    const r = read([
      JSON.stringify({ event_message: 'duplicate key value violates unique constraint "visits_pkey"', id: "a1", timestamp: "2026-12-01T10:00:00Z" }),
      JSON.stringify({ log: "2026-12-01 10:00:01,000 ERROR OSError: [Errno 24] Too many open files", source: "stderr" }),
    ]);
    expect(r.kinds).toEqual(["duplicate_key", "fd_exhaustion"]);
    expect(r.records[0].message).toBe('duplicate key value violates unique constraint "visits_pkey"');
  });
});

describe("pools and engines at their limits", () => {
  it.each([
    ["HikariCP", "HikariPool-1 - Connection is not available, request timed out after 30004ms.", "pool_timeout"],
    ["MongoDB Node driver", "MongoWaitQueueTimeoutError: Timed out while checking out a connection from connection pool", "pool_timeout"],
    [
      "Rails",
      "ActiveRecord::ConnectionTimeoutError: could not obtain a connection from the pool within 5.000 seconds (waited 5.001 seconds); all pooled connections were in use",
      "pool_timeout",
    ],
    ["knex", "KnexTimeoutError: Knex: Timeout acquiring a connection. The pool is probably full. Are you missing a .transacting(trx) call?", "pool_timeout"],
    ["psycopg_pool", "psycopg_pool.PoolTimeout: couldn't get a connection after 30.00 sec", "pool_timeout"],
    ["PgBouncer", "C-0x55d0: app/app@10.0.0.7:51234 closing because: no more connections allowed (max_client_conn) (age=0s)", "too_many_connections"],
    ["RocksDB", "IO error: While lock file: /var/lib/cozo/data/LOCK: Resource temporarily unavailable", "storage_busy"],
    [
      "RocksDB, same process",
      "IO error: lock hold by current process, acquire time 1796148000 acquiring thread 140: /data/LOCK: No locks available",
      "storage_busy",
    ],
    ["Go net/http", "http: Accept error: accept tcp [::]:8080: accept4: too many open files; retrying in 1s", "fd_exhaustion"],
    // An application's own lock, not had in time: the metadata update guarded by pg_advisory_lock, retried three times.
    ["an app's advisory lock", "could not acquire advisory lock user-metadata:42 after 3 retries (200ms each)", "lock_timeout"],
    ["a distributed lock", "Failed to acquire distributed lock 'jobs:sync' within 5000 ms", "lock_timeout"],
    ["MySQL, relayed", "SequelizeDatabaseError: Lock wait timeout exceeded; try restarting transaction", "lock_timeout"],
    ["a lock wait given up", "Timed out waiting for lock on key user:7", "lock_timeout"],
    ["an advisory lock's retries spent", "pg_advisory_lock wait exceeded 200ms (attempt 3/3) for user 42", "lock_timeout"],
  ])("%s", (_name, message, kind) => {
    const r = read([`2026-12-01 10:00:00,000 ERROR ${message}`]);
    expect(r.kinds).toEqual([kind]);
  });

  it.each(["acquired advisory lock user-metadata:42", "lock released after 12 ms", "Lock file written"])("%s is no lock timeout", (message) => {
    expect(read([`2026-12-01 10:00:00,000 INFO ${message}`]).kinds).toEqual(["unclassified"]);
  });
});
