import { describe, expect, it } from "vitest";
import { advisoryKeysOf, buildIncidentRunbook, genericRunbook, type RunbookContext } from "./build-runbook";
import { advisoryCallOf, lockedRelationOf } from "./lock-wait";
import { engineOf, type RunbookEvent } from "./read-events";

const ev = (message: string, fields: Record<string, unknown> = {}, raw = message): RunbookEvent => ({
  message,
  raw,
  fields,
  occurredAt: "2026-12-01T13:21:41.062Z",
});
const ctx = (over: Partial<RunbookContext>): RunbookContext => ({
  kind: "duplicate_key",
  source: { name: "demo-pg", kind: "postgres" },
  events: [],
  catalog: { info: null, note: null },
  locked: [],
  samplesNote: null,
  fd: null,
  connections: null,
  failedWrites: { count: 0, document: null },
  upstreamBefore: false,
  ...over,
});
const text = (r: unknown) => JSON.stringify(r);

describe("engine and the steps that apply", () => {
  it("tells the engine from the source, else from the events", () => {
    expect(engineOf("postgres", [])).toBe("postgres");
    expect(engineOf("log", [ev("E11000 duplicate key error collection: a.b index: c_1 dup key: { c: 1 }")])).toBe("mongodb");
    expect(engineOf("log", [ev("failed: canceling statement due to lock timeout", { code: "55P03" })])).toBe("postgres");
    expect(engineOf("log", [ev("something broke")])).toBeNull();
  });
  it("a generic runbook drops the other engine's steps", () => {
    expect(text(genericRunbook("duplicate_key", "postgres"))).not.toMatch(/MongoDB|updateOne|messages/);
    expect(text(genericRunbook("duplicate_key", "mongodb"))).not.toMatch(/PostgreSQL|ON CONFLICT|messages \(message_id\)/);
  });
});

describe("dispatch by what the events carry", () => {
  const pgEvent = ev('duplicate key value violates unique constraint "session_session_uuid_key"', {
    pid: 13814,
    format: "pg-stderr",
    detail: "Key (session_uuid)=(ddc0d499-9ed0-4e9c-9d4e-330536fa990a) already exists.",
    statement: "INSERT INTO session (session_uuid, website_id) VALUES ($1, $2)",
    label: "session_session_uuid_key",
  });
  it("the demo's session race: PostgreSQL steps only, with the key stats of a race", () => {
    const other = { ...pgEvent, fields: { ...pgEvent.fields, detail: "Key (session_uuid)=(0c34b5a3-7ce4-4998-a40f-9df1244f1321) already exists." } };
    const r = buildIncidentRunbook(ctx({ events: [pgEvent, pgEvent, other, other, other] }));
    expect(r.engine).toBe("postgres");
    expect(r.facts.map((f) => f.value)).toEqual(expect.arrayContaining(["session_session_uuid_key", "session", "session_uuid"]));
    expect(text(r)).toContain("ON CONFLICT (session_uuid) DO NOTHING");
    expect(text(r)).toContain("2 distinct key values failed up to 3 times");
    expect(text(r)).not.toMatch(/MongoDB|updateOne|\$setOnInsert/);
  });
  it("an app's logged node-postgres error: detail, table and schema from the error object, no STATEMENT", () => {
    const raw = JSON.stringify({
      level: "error",
      msg: "save failed",
      err: {
        message: 'duplicate key value violates unique constraint "uniq_login"',
        code: "23505",
        detail: "Key (tenant_id, login)=(3, bob) already exists.",
        schema: "auth",
        table: "accounts",
        constraint: "uniq_login",
      },
    });
    const r = buildIncidentRunbook(ctx({ source: { name: "api", kind: "log" }, events: [ev("save failed", { format: "app-json", code: "23505" }, raw)] }));
    expect(r.engine).toBe("postgres");
    expect(r.facts).toEqual(
      expect.arrayContaining([
        { label: "Table", value: "auth.accounts", from: "the driver's error (table, schema)" },
        expect.objectContaining({ label: "Key columns", value: "tenant_id, login" }),
        expect.objectContaining({ label: "Constraint", value: "uniq_login" }),
      ]),
    );
    expect(r.gaps.join(" ")).toContain("log_min_error_statement");
    expect(text(r)).toContain("INSERT INTO auth.accounts (tenant_id, login)");
  });
  it("an E11000 in an app log (a log source) is a MongoDB runbook with the failed write's document", () => {
    const raw = JSON.stringify({
      level: "error",
      message: 'E11000 duplicate key error collection: LibreChat.messages index: messageId_1 dup key: { messageId: "m-9" }',
      code: 11000,
    });
    const r = buildIncidentRunbook(
      ctx({
        source: { name: "librechat-api", kind: "log" },
        events: [ev(JSON.parse(raw).message, { format: "app-json" }, raw)],
        failedWrites: { count: 3, document: { messageId: "m-9", text: "Answer" } },
      }),
    );
    expect(r.engine).toBe("mongodb");
    expect(text(r)).toContain("db.messages.updateOne(");
    expect(text(r)).toContain('$setOnInsert: {\\n    text: \\"Answer\\"');
    expect(text(r)).toContain("3 failed writes were handed");
    expect(text(r)).not.toMatch(/ON CONFLICT|INSERT INTO/);
  });
  it("Prisma's P2002 gets a Prisma upsert on the unique fields, compound ones too", () => {
    const msg = "Invalid `prisma.membership.create()` invocation:\n\nUnique constraint failed on the fields: (`tenantId`,`email`)";
    const r = buildIncidentRunbook(ctx({ source: { name: "api", kind: "log" }, events: [ev(msg, { code: "P2002" })] }));
    expect(r.title).toBe("Unique constraint failed on tenantId, email (membership)");
    expect(text(r)).toContain('{"op":"+","text":"  where: { tenantId_email: { tenantId: data.tenantId, email: data.email } },"}');
    expect(text(r)).toContain('{"op":"-","text":"await prisma.membership.create({ data });"}');
    const many = buildIncidentRunbook(
      ctx({
        source: { name: "api", kind: "log" },
        events: [ev("Invalid `prisma.event.createMany()` invocation: Unique constraint failed on the constraint: `Event_key_key`", { code: "P2002" })],
      }),
    );
    expect(text(many)).toContain("skipDuplicates: true");
    expect(many.facts).toEqual(expect.arrayContaining([expect.objectContaining({ label: "Constraint", value: "Event_key_key" })]));
  });
  it("a lock timeout names the lock from STATEMENT and the holder from the lock samples", () => {
    const r = buildIncidentRunbook(
      ctx({
        kind: "lock_timeout",
        events: [
          ev("canceling statement due to lock timeout", {
            pid: 13815,
            format: "pg-stderr",
            statement: "SELECT pg_advisory_xact_lock(hashtextextended('user-metadata:' || $1, 0))",
          }),
        ],
        locked: [
          {
            label: "advisory 6705818939836648035",
            advisoryKey: "6705818939836648035",
            waiters: 3,
            source: "demo-pg",
            at: "2026-12-01T13:21:42.000Z",
            holders: [
              {
                pid: 13878,
                application: "memory-worker",
                user: "lockboard_demo_app",
                state: "idle in transaction",
                query: 'UPDATE user_metadata SET metadata = metadata || \'{"summary":"stale"}\'',
                heldSince: "2026-12-01T13:20:42.000Z",
                stuck: "idle in transaction for 60 s",
              },
            ],
          },
        ],
      }),
    );
    expect(r.title).toBe("Lock timeout on advisory lock 6705818939836648035");
    const holder = r.facts.find((f) => f.label.startsWith("Holder of"))!;
    expect(holder.value).toContain("pid 13878 (memory-worker");
    expect(holder.value).toContain("idle in transaction for 60 s");
    expect(holder.value).toContain("UPDATE user_metadata");
    expect(r.facts.find((f) => f.label === "Lock taken by")?.value).toBe("pg_advisory_xact_lock(hashtextextended('user-metadata:' || $1, 0))");
    const release = r.steps.find((s) => s.link?.href.startsWith("/locks?source=demo-pg&at="))!;
    expect(release.text).toContain("Lockboard's Release");
    expect(release.text).toContain("pg_advisory_unlock(…) only releases a lock from the session that took it");
    expect(text(r)).toContain("pg_try_advisory_xact_lock(hashtextextended");
  });
  it("a lock timeout from an app log reads the lock_key of its JSON payload", () => {
    const raw = JSON.stringify({
      level: "error",
      message: "failed to update user metadata after 3 retries: canceling statement due to lock timeout (waited 200ms)",
      userId: "user-4217",
      lock_key: "6705818939836648035",
      code: "55P03",
    });
    const events = [ev(JSON.parse(raw).message, { format: "app-json", code: "55P03" }, raw)];
    expect(advisoryKeysOf(events)).toEqual(["6705818939836648035"]);
    const r = buildIncidentRunbook(ctx({ kind: "lock_timeout", source: { name: "memory-service", kind: "log" }, events, samplesNote: "no samples" }));
    expect(r.facts).toEqual(
      expect.arrayContaining([
        { label: "Advisory lock key", value: "6705818939836648035", from: "the events" },
        { label: "Gave up after", value: "200 ms (lock_timeout)", from: "the message" },
      ]),
    );
    expect(r.gaps).toEqual(["no samples"]);
  });
  it("log_lock_waits lines give the decoded key and the holder pid the server logged", () => {
    const r = buildIncidentRunbook(
      ctx({
        kind: "lock_wait",
        events: [
          ev("process 812 still waiting for ExclusiveLock on advisory lock [16384,1561320139,4245473891,1] after 1000.123 ms", {
            detail: "Process holding the lock: 640. Wait queue: 812, 813.",
          }),
        ],
      }),
    );
    expect(r.facts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ label: "Advisory lock key", value: "6705818939836648035" }),
        expect.objectContaining({ label: "Holder (as logged)", value: "pid 640" }),
      ]),
    );
  });
  it("a row lock timeout names the relation from CONTEXT or the statement", () => {
    const r = buildIncidentRunbook(
      ctx({
        kind: "lock_timeout",
        events: [
          ev("canceling statement due to lock timeout", {
            statement: "UPDATE accounts SET balance = balance - 5 WHERE id = 1",
            context: 'while updating tuple (0,1) in relation "accounts"',
          }),
        ],
      }),
    );
    expect(r.title).toBe("Lock timeout on relation accounts");
    expect(lockedRelationOf('SELECT * FROM "Orders" o WHERE id = 3 FOR UPDATE')).toBe('"Orders"');
    expect(lockedRelationOf("LOCK TABLE billing.invoices IN ACCESS EXCLUSIVE MODE")).toBe("billing.invoices");
    expect(advisoryCallOf("select pg_try_advisory_lock_shared(42, 7)")).toEqual({
      fn: "pg_try_advisory_lock_shared",
      call: "pg_try_advisory_lock_shared(42, 7)",
      session: true,
      shared: true,
    });
  });
  it("a session-level advisory lock gets the transaction-level rewrite", () => {
    const r = buildIncidentRunbook(
      ctx({ kind: "lock_timeout", events: [ev("canceling statement due to lock timeout", { statement: "SELECT pg_advisory_lock(hashtext($1))" })] }),
    );
    const diff = r.steps.flatMap((s) => s.blocks ?? []).find((b) => b.type === "diff");
    expect(diff && diff.type === "diff" && diff.lines.map((l) => l.op + l.text)).toEqual([
      "-SELECT pg_advisory_lock(hashtext($1));",
      "+SELECT pg_advisory_xact_lock(hashtext($1));  -- inside BEGIN … COMMIT",
    ]);
  });
  it("EMFILE names the process and its RLIMIT_NOFILE from the capacity samples", () => {
    const raw =
      '2026-12-01 13:21:46,670 ERROR uvicorn.error: socket.accept() out of system resource\nTraceback (most recent call last):\n  File "x.py", line 59\nOSError: [Errno 24] Too many open files';
    const r = buildIncidentRunbook(
      ctx({
        kind: "fd_exhaustion",
        source: { name: "model-server", kind: "log" },
        events: [ev("uvicorn.error: socket.accept() out of system resource", { exceptionType: "OSError" }, raw)],
        fd: {
          capacitySource: "model-server-fds",
          pid: 4242,
          command: "python3",
          pattern: "fd_exhaustion.py",
          open: 65,
          softLimit: 64,
          hardLimit: 1048576,
          sockets: 58,
          files: 4,
          pipes: 3,
          at: "2026-12-01T13:21:46Z",
        },
      }),
    );
    expect(r.engine).toBeNull();
    expect(r.facts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ label: "Process", value: 'python3 (pid 4242), the process whose command line has "fd_exhaustion.py"' }),
        expect.objectContaining({ label: "RLIMIT_NOFILE", value: "soft 64, hard 1048576" }),
        expect.objectContaining({ label: "Error", value: "OSError: [Errno 24] Too many open files" }),
      ]),
    );
    expect(text(r)).toContain("LimitNOFILE=65536");
    expect(text(r)).toContain("ulimit -n");
    expect(text(r)).toContain("requests.Session");
    expect(text(r)).toContain("/proc/4242/limits");
  });
  it("connection exhaustion names the pool and max_connections; MongoDB gets its own steps", () => {
    const pgR = buildIncidentRunbook(
      ctx({
        kind: "too_many_connections",
        events: [ev("sorry, too many clients already", { code: "53300" })],
        connections: { capacitySource: "demo-pg", value: 97, limit: 97, byOrigin: [{ application: "analytics-web", n: 80 }], idleInTransaction: 12, at: "x" },
      }),
    );
    expect(pgR.facts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ label: "Connections / max_connections", value: "97 of 97" }),
        expect.objectContaining({ value: "analytics-web 80" }),
      ]),
    );
    expect(text(pgR)).toContain("pg_stat_activity");
    const p2024 = buildIncidentRunbook(
      ctx({
        kind: "pool_timeout",
        source: { name: "api", kind: "log" },
        events: [
          ev(
            "Timed out fetching a new connection from the connection pool. More info: http://pris.ly/d/connection-pool (Current connection pool timeout: 10, connection limit: 5)",
            { code: "P2024" },
          ),
        ],
      }),
    );
    expect(p2024.facts).toEqual(
      expect.arrayContaining([expect.objectContaining({ label: "Pool size", value: "5" }), expect.objectContaining({ label: "Pool timeout", value: "10 s" })]),
    );
    expect(p2024.title).toBe("Pool checkout timeout");
    const mongoR = buildIncidentRunbook(
      ctx({ kind: "too_many_connections", source: { name: "m", kind: "mongodb" }, events: [ev("connection refused because too many open connections: 819")] }),
    );
    expect(text(mongoR)).toContain("maxPoolSize");
    expect(mongoR.facts).toEqual(expect.arrayContaining([expect.objectContaining({ label: "Open connections when refused", value: "819" })]));
    expect(text(mongoR)).not.toMatch(/pg_stat_activity|max_connections/);
  });
});
