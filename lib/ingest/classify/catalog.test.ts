import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BUILTIN_CATALOG } from "./catalog-data";
import { parseLockWait } from "./entities";
import { compileCatalog, loadCatalogFile, mergeCatalog } from "./catalog";
import { literalHeads, splitTopLevel } from "./catalog-prefilter";

const catalog = compileCatalog(BUILTIN_CATALOG);
const kind = (text: string, code?: string, format = "app-json", severity: "info" | "error" = "error") =>
  catalog.classify(text, code, { format, severity })?.kind ?? null;

describe("the built-in catalog", () => {
  it.each([
    ['duplicate key value violates unique constraint "session_session_uuid_key"', undefined, "pg-stderr", "duplicate_key"],
    ['E11000 duplicate key error collection: chat.messages index: messageId_1 dup key: { messageId: "a" }', undefined, "mongodb", "duplicate_key"],
    ["\nInvalid `prisma.user.create()` invocation:\n\nUnique constraint failed on the fields: (`email`)", "P2002", "app-json", "duplicate_key"],
    ["deadlock detected", undefined, "pg-json", "deadlock"],
    ["could not serialize access due to concurrent update", undefined, "pg-csv", "serialization_failure"],
    ["canceling statement due to lock timeout", undefined, "pg-stderr", "lock_timeout"],
    ["canceling statement due to statement timeout", undefined, "pg-stderr", "statement_timeout"],
    ["RocksDB error: Resource busy: ", undefined, "app-text", "storage_busy"],
    ["SQLITE_BUSY: database is locked", undefined, "app-json", "storage_busy"],
    ["sorry, too many clients already", undefined, "pg-stderr", "too_many_connections"],
    ["remaining connection slots are reserved for roles with the SUPERUSER attribute", undefined, "pg-stderr", "too_many_connections"],
    ["OSError: [Errno 24] Too many open files: '/tmp/x'", undefined, "app-text", "fd_exhaustion"],
    ["Error: EMFILE: too many open files, open '/tmp/x'", undefined, "app-text", "fd_exhaustion"],
    ["timeout exceeded when trying to connect", undefined, "app-json", "pool_timeout"],
    ["Timed out fetching a new connection from the connection pool.", "P2024", "app-json", "pool_timeout"],
    ["Cannot set headers after they are sent to the client", "ERR_HTTP_HEADERS_SENT", "app-json", "headers_sent"],
    ["OpenAI API error 503 Service Unavailable, retrying in 2s", undefined, "app-json", "upstream_failure"],
  ] as const)("%s → %s", (text, code, format, want) => {
    expect(kind(text, code, format)).toBe(want);
  });

  it("classifies by code first, whatever the text", () => {
    expect(kind("anything", "23505")).toBe("duplicate_key");
    expect(kind("anything", "40P01")).toBe("deadlock");
    expect(kind("anything", "11000")).toBe("duplicate_key");
  });

  it("reads lock waits on informational PostgreSQL lines only, and leaves query text alone", () => {
    expect(kind("process 12 still waiting for ShareLock on transaction 7 after 1000.1 ms", undefined, "pg-stderr", "info")).toBe("lock_wait");
    expect(kind("process 12 acquired ExclusiveLock on advisory lock [5,0,1,1] after 2000.2 ms", undefined, "pg-stderr", "info")).toBe("lock_acquired");
    expect(kind("duration: 1.2 ms  statement: SELECT 'deadlock detected', 'too many clients'", undefined, "pg-stderr", "info")).toBeNull();
    expect(kind("GET /api/chat 429 Too Many Requests", undefined, "app-text", "info")).toBe("http_429");
    expect(kind("GET /api/chat 429 Too Many Requests", undefined, "pg-stderr", "info")).toBeNull();
  });

  it("classifies a known error at any level; PostgreSQL's own LOG lines only by their opening words", () => {
    expect(kind('E11000 duplicate key error collection: chat.messages index: messageId_1 dup key: { : "a" }', undefined, "app-text", "info")).toBe(
      "duplicate_key",
    );
    expect(kind("Error: timeout exceeded when trying to connect", undefined, "app-json", "info")).toBe("pool_timeout");
    expect(kind("statement: INSERT INTO audit VALUES ('duplicate key value violates unique constraint')", undefined, "pg-stderr", "info")).toBeNull();
    expect(kind('skipping vacuum of "website_event" --- lock not available', undefined, "pg-stderr", "info")).toBe("lock_not_available");
  });

  it("reads PostgreSQL's messages embedded in an application's log with the server's kinds", () => {
    expect(kind("error: deadlock detected", undefined, "app-text", "error")).toBe("deadlock");
    expect(kind("pg: process 4211 still waiting for ShareLock on transaction 77 after 1000.2 ms", undefined, "app-text", "info")).toBe("lock_wait");
    expect(kind("db notice: process 4211 acquired ExclusiveLock on advisory lock [16384,0,7,1] after 2001.5 ms", undefined, "app-json", "info")).toBe(
      "lock_acquired",
    );
    expect(parseLockWait("db notice: process 4211 acquired ExclusiveLock on advisory lock [16384,0,7,1] after 2001.5 ms")?.advisory?.key).toBe("7");
    expect(parseLockWait("subprocess 4211 acquired ExclusiveLock on relation 5 after 1.5 ms")).toBeNull();
  });

  it.each([
    ["process 812 detected deadlock while waiting for ShareLock on transaction 7 after 100.05 ms", undefined, "info", "lock_wait"],
    [
      "process 812 avoided deadlock for AccessExclusiveLock on relation 16390 of database 5 by rearranging queue order after 100.1 ms",
      undefined,
      "info",
      "lock_wait",
    ],
    ['skipping analyze of "account" --- lock not available', undefined, "warning", "lock_not_available"],
    ["canceling statement due to conflict with recovery", undefined, "error", "recovery_conflict"],
    ["terminating connection due to conflict with recovery", undefined, "critical", "recovery_conflict"],
    ['could not create unique index "account_email_key"', undefined, "error", "duplicate_key"],
  ] as const)("%s → %s", (text, code, severity, want) => {
    expect(catalog.classify(text, code, { format: "pg-stderr", severity })?.kind).toBe(want);
  });

  it("gives an event the same kind with its SQLSTATE (csvlog, jsonlog, %e) as without it (stderr)", () => {
    const pairs = [
      ['skipping vacuum of "account" --- lock not available', "55P03", "info"],
      ["canceling statement due to lock timeout", "55P03", "error"],
      ['could not obtain lock on row in relation "account"', "55P03", "error"],
      ["canceling statement due to conflict with recovery", "40001", "error"],
      ["canceling statement due to conflict with recovery", "40P01", "error"],
      ["terminating connection due to conflict with recovery", "57P04", "critical"],
      ["could not serialize access due to concurrent update", "40001", "error"],
      ["deadlock detected", "40P01", "error"],
      ['could not create unique index "u"', "23505", "error"],
      ['duplicate key value violates unique constraint "u"', "23505", "error"],
      ["sorry, too many clients already", "53300", "critical"],
    ] as const;
    for (const [text, code, severity] of pairs) {
      const bare = catalog.classify(text, undefined, { format: "pg-stderr", severity })?.kind;
      expect([text, catalog.classify(text, code, { format: "pg-csv", severity })?.kind]).toEqual([text, bare]);
      expect(bare).toBeTruthy();
    }
  });

  it("lets nothing else through", () => {
    expect(kind("checkpoint complete: wrote 3 buffers")).toBeNull();
    expect(kind("user logged in")).toBeNull();
  });
});

describe("configuration", () => {
  it("adds kinds and replaces built-in ones by kind", () => {
    const merged = mergeCatalog(BUILTIN_CATALOG, [
      { kind: "quota_exceeded", title: "Quota exceeded", family: "exhaustion", pattern: "quota exceeded" },
      { kind: "deadlock", title: "Deadlock (custom)", family: "lock", codes: ["40P01", "DEADLOCK"] },
    ]);
    const c = compileCatalog(merged);
    expect(c.classify("disk quota exceeded for tenant 4", undefined, {})?.kind).toBe("quota_exceeded");
    expect(c.classify("x", "DEADLOCK")?.title).toBe("Deadlock (custom)");
    expect(c.classify("deadlock detected", undefined, { format: "pg-stderr", severity: "error" })).toBeNull();
    expect(merged.filter((e) => e.kind === "deadlock")).toHaveLength(1);
  });

  it("reads LOCKBOARD_CATALOG_FILE and names what is wrong in it", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "lb-catalog-"));
    const good = path.join(dir, "good.json");
    writeFileSync(good, JSON.stringify({ entries: [{ kind: "busy_worker", title: "Busy worker", pattern: "worker busy", levels: ["info"] }] }));
    expect(loadCatalogFile(good)[0]).toMatchObject({ kind: "busy_worker", family: "other", levels: ["info"] });
    const bad = path.join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify([{ kind: "Bad Kind", title: "x" }]));
    expect(() => loadCatalogFile(bad)).toThrow(/bad.json: 0.kind: kind must be snake_case/);
    writeFileSync(bad, "{nope");
    expect(() => loadCatalogFile(bad)).toThrow(/bad.json: .*JSON/);
    expect(() => compileCatalog([{ kind: "x_y", title: "t", family: "other", pattern: "(" }])).toThrow(/catalog kind "x_y": invalid pattern/);
  });

  it("splits patterns at top-level alternatives only", () => {
    expect(splitTopLevel(String.raw`^a(b|c)|d[|]|\|e`)).toEqual(["^a(b|c)", "d[|]", String.raw`\|e`]);
  });

  it("rejects by opening text only when every anchored alternative opens with plain text", () => {
    expect(literalHeads([String.raw`process \d+ still`, "pro x", "deadlock", "du"], "")).toEqual(["process ", "pro x", "deadlock", "du"]);
    expect(literalHeads([String.raw`\[Errno 24\]`, String.raw`ab?c`, 'a"b'], "")).toEqual(["[Errno 24]", "a", 'a"b']);
    expect(literalHeads(["process", "a?b"], "")).toBeNull();
    expect(literalHeads(["process", String.raw`\d+`], "")).toBeNull();
    expect(literalHeads(["process", "(?:a|b)"], "")).toBeNull();
    expect(literalHeads(["process"], "i")).toBeNull();
    expect(literalHeads(["process"], "m")).toBeNull();
  });

  it("classifies the same with the first-character check, anchored kinds included", () => {
    const c = compileCatalog([...BUILTIN_CATALOG, { kind: "anchored_any", title: "A", family: "other", pattern: "^Xy?z|^beta", levels: ["info"] }]);
    expect(
      c.classify("process 1 still waiting for ShareLock on transaction 7 after 1000.1 ms", undefined, { format: "pg-stderr", severity: "info" })?.kind,
    ).toBe("lock_wait");
    expect(
      c.classify("xprocess 1 still waiting for ShareLock on transaction 7 after 1000.1 ms", undefined, { format: "pg-stderr", severity: "info" }),
    ).toBeNull();
    expect(c.classify("Xz", undefined, { format: "pg-stderr", severity: "info" })?.kind).toBe("anchored_any");
    expect(c.classify("beta", undefined, { format: "app", severity: "info" })?.kind).toBe("anchored_any");
    expect(c.classify("", undefined, { format: "pg-stderr", severity: "info" })).toBeNull();
    expect(c.classify("deadlock detected", undefined, { format: "pg-stderr", severity: "error" })?.kind).toBe("deadlock");
  });
});
