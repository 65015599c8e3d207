import { describe, expect, it } from "vitest";
import { readText } from "./fixture-harness";
import { describeDetection, detectFormat, fallbackAdvice, guessPrefix } from "./format-detect";

describe("format detection", () => {
  it("names the prefix and how many sampled lines it read", () => {
    const d = detectFormat(
      ["2026-11-23 05:00:00.000 UTC [7] LOG:  checkpoint starting: time", "2026-11-23 05:00:01.000 UTC [7] ERROR:  deadlock detected", "\tmore"],
      {},
    );
    expect(describeDetection(d)).toBe("postgres stderr, prefix '%m [%p] %q%u@%d ' (2 of 3 sampled lines)");
  });

  it("an unknown prefix whose heads read as escapes is read as PostgreSQL stderr with that prefix", () => {
    const lines = [
      "2026-11-23 05:00:00 UTC [7] 10.0.0.1(5432) app@shop ERROR:  deadlock detected",
      "2026-11-23 05:00:01 UTC [8] 10.0.0.1(5433) app@shop LOG:  process 8 still waiting for ShareLock on transaction 1 after 1000.1 ms",
      "2026-11-23 05:00:01 UTC [8] 10.0.0.1(5433) app@shop DETAIL:  Process holding the lock: 7.",
    ];
    expect(detectFormat(lines, {})).toMatchObject({
      format: "pg-stderr",
      prefix: "%t [%p] %r %u@%d ",
      inferred: true,
      matched: 3,
      fellBack: false,
    });
    expect(describeDetection(detectFormat(lines, {}))).toBe("postgres stderr, prefix '%t [%p] %r %u@%d ' inferred from the lines (3 of 3 sampled lines)");
  });

  it("pgBadger's documented prefixes are known, and a prefix naming an escape twice reads", () => {
    const badger = [
      "2026-11-30 10:00:01 UTC [1234]: [2-1] user=app,db=shop,app=web,client=10.0.0.5 ERROR:  deadlock detected",
      "2026-11-30 10:00:01 UTC [1234]: [3-1] user=app,db=shop,app=web,client=10.0.0.5 DETAIL:  Process 1234 waits for ShareLock on transaction 5; blocked by process 99.",
    ];
    expect(detectFormat(badger, {})).toMatchObject({
      format: "pg-stderr",
      prefix: "%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ",
      shape: "PostgreSQL stderr",
    });
    const twice = ["2026-11-30 10:00:01 UTC [41] pid=41 ERROR:  deadlock detected", "2026-11-30 10:00:02 UTC [42] pid=42 LOG:  checkpoint starting: time"];
    expect(detectFormat(twice, {})).toMatchObject({ format: "pg-stderr", prefix: "%t [%p] pid=%p ", matched: 2 });
  });

  it("reads the SQLSTATE from an inferred %e, and Ubuntu's older `[%p-%l]` is known", () => {
    const e = [
      "2026-11-30 10:00:00.1 UTC [12] 40P01 ERROR:  deadlock detected",
      "2026-11-30 10:00:00.2 UTC [12] 00000 LOG:  checkpoint starting: time",
      '2026-11-30 10:00:00.3 UTC [13] 23505 ERROR:  duplicate key value violates unique constraint "t_pkey"',
    ];
    expect(detectFormat(e, {})).toMatchObject({ format: "pg-stderr", prefix: "%m [%p] %e ", inferred: true });
    const r = readText(e.join("\n"));
    expect(r.records.map((x) => x.code ?? null)).toEqual(["40P01", null, "23505"]);
    expect(r.kinds).toEqual(["deadlock", "unclassified", "duplicate_key"]);
    const ubuntu = ["2026-11-30 10:00:00 UTC [1234-1] app@shop ERROR:  deadlock detected", "2026-11-30 10:00:01 UTC [99-3] app@shop LOG:  checkpoint complete"];
    expect(detectFormat(ubuntu, {})).toMatchObject({ format: "pg-stderr", prefix: "%t [%p-%l] %q%u@%d " });
    expect(detectFormat(ubuntu, {}).inferred).toBeUndefined();
  });

  it("an unknown prefix no escape explains falls back to application text, with the prefix most lines carried as a suggestion", () => {
    // Each host name is literal text to the guess: the prefix it suggests reads only its own host's lines.
    const lines = [
      "2026-11-23 05:00:00 UTC [7] node-a ERROR:  deadlock detected",
      "2026-11-23 05:00:01 UTC [8] node-a LOG:  process 8 still waiting for ShareLock on transaction 1 after 1000.1 ms",
      "2026-11-23 05:00:01 UTC [9] node-b DETAIL:  Process holding the lock: 7.",
      "2026-11-23 05:00:02 UTC [3] node-c LOG:  checkpoint starting: time",
    ];
    const d = detectFormat(lines, {});
    expect(d).toMatchObject({ format: "app", fellBack: true, suggestedPrefix: "%t [%p] node-a " });
    expect(fallbackAdvice(d)).toContain("try --prefix '%t [%p] node-a '");
    // The suggestion reads its lines.
    expect(detectFormat(lines, { logLinePrefix: d.suggestedPrefix })).toMatchObject({ format: "pg-stderr", matched: 2, prefix: "%t [%p] node-a " });
  });

  it("guesses the escapes of common heads", () => {
    expect(guessPrefix("2026-11-23 05:00:00.123 +01 [42] user=app,db=shop,app=psql ERROR:  x")).toBe("%m [%p] user=%u,db=%d,app=%a ");
    expect(guessPrefix("2026-11-23 05:00:00 UTC [42]: [7-1] host=db1 ERROR:  x")).toBe("%t [%p]: [%l-1] host=%h ");
    expect(guessPrefix("2026-11-30 10:00:00 UTC [1234-5] app@shop ERROR:  x")).toBe("%t [%p-%l] %u@%d ");
    expect(guessPrefix("2026-11-30 10:00:00.123 UTC [1234] app@shop/psql ERROR:  x")).toBe("%m [%p] %u@%d/%a ");
    expect(guessPrefix("2026-11-30 10:00:00.123 UTC [1234] 40P01 ERROR:  x")).toBe("%m [%p] %e ");
    expect(guessPrefix("2026-11-30 10:00:00.123 UTC [1234] [0] LOG:  x")).toBe("%m [%p] [%x] ");
    expect(guessPrefix("just a line")).toBeNull();
  });

  it("uvicorn's padded level words (`INFO:     …`) are an application's lines, not a server log without a prefix", () => {
    const lines = [
      "INFO:     Started server process [7]",
      'INFO:     127.0.0.1:5000 - "POST /api/v1/run HTTP/1.1" 429 Too Many Requests',
      "WARNING:  StatReload detected changes",
      "ERROR:    Exception in ASGI application",
    ];
    expect(detectFormat(lines, {})).toMatchObject({ format: "app", shape: "application text", fellBack: false });
    expect(readText(lines.join("\n")).kinds).toEqual(["unclassified", "http_429", "unclassified", "unclassified"]);
  });

  it("application lines in ISO-stamped `level: message` form are not syslog", () => {
    const d = detectFormat(["2026-12-01T10:00:00.000Z error: Error: EMFILE", "2026-12-01T10:00:01.000Z info: ok"], {});
    expect(d).toMatchObject({ format: "app", shape: "application text", matched: 2 });
  });
});

describe("what counts as a fallback", () => {
  it("an application's stamped lines are read as meant; unrecognised lines are a fallback", () => {
    expect(detectFormat(["[01:27:21] Starting 'build'...", "[01:27:22] Finished 'build'"], {})).toMatchObject({ format: "app", fellBack: false, matched: 2 });
    expect(detectFormat(["something odd", "and more of it"], {})).toMatchObject({ format: "app", fellBack: true, matched: 0, suggestedPrefix: undefined });
  });
});
