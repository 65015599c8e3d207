import { describe, expect, it } from "vitest";
import { describeDetection, detectFormat, fallbackAdvice, guessPrefix } from "./format-detect";

describe("format detection", () => {
  it("names the prefix and how many sampled lines it read", () => {
    const d = detectFormat(
      ["2026-11-23 05:00:00.000 UTC [7] LOG:  checkpoint starting: time", "2026-11-23 05:00:01.000 UTC [7] ERROR:  deadlock detected", "\tmore"],
      {},
    );
    expect(describeDetection(d)).toBe("postgres stderr, prefix '%m [%p] %q%u@%d ' (2 of 3 sampled lines)");
  });

  it("an unknown prefix falls back to application text, with the prefix most lines carried as a suggestion", () => {
    const lines = [
      "2026-11-23 05:00:00 UTC [7] 10.0.0.1(5432) app@shop ERROR:  deadlock detected",
      "2026-11-23 05:00:01 UTC [8] 10.0.0.1(5433) app@shop LOG:  process 8 still waiting for ShareLock on transaction 1 after 1000.1 ms",
      "2026-11-23 05:00:01 UTC [8] 10.0.0.1(5433) app@shop DETAIL:  Process holding the lock: 7.",
    ];
    const d = detectFormat(lines, {});
    expect(d).toMatchObject({ format: "app", fellBack: true, suggestedPrefix: "%t [%p] %r %u@%d " });
    expect(fallbackAdvice(d)).toContain("try --prefix '%t [%p] %r %u@%d '");
    // The suggestion reads them.
    expect(detectFormat(lines, { logLinePrefix: d.suggestedPrefix })).toMatchObject({ format: "pg-stderr", matched: 3, prefix: "%t [%p] %r %u@%d " });
  });

  it("guesses the escapes of common heads", () => {
    expect(guessPrefix("2026-11-23 05:00:00.123 +01 [42] user=app,db=shop,app=psql ERROR:  x")).toBe("%m [%p] user=%u,db=%d,app=%a ");
    expect(guessPrefix("just a line")).toBeNull();
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
