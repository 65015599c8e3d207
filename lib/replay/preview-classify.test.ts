import { describe, expect, it } from "vitest";
import { classifyPreview } from "./preview-replay";
import { originWords, replayerWords } from "./replay-origin";
import { ReplayReasonSchema } from "./replay-reason";

const found = (diff: number, count = 1) => ({
  state: "found" as const,
  record: {},
  count,
  diff: Array.from({ length: diff }, (_, i) => ({ field: `f${i}`, expected: 1, actual: 2 })),
});

describe("what a replay would end as, per operation and target state", () => {
  it("follows the replay's rules: an insert never overwrites, an upsert or update sets the fields", () => {
    expect(["insert", "upsert", "update"].map((op) => classifyPreview(op as "insert", { state: "missing" }))).toEqual([
      "would_apply",
      "would_apply",
      "would_fail",
    ]);
    expect(["insert", "upsert", "update"].map((op) => classifyPreview(op as "insert", found(0)))).toEqual([
      "already_present",
      "already_present",
      "already_present",
    ]);
    expect(["insert", "upsert", "update"].map((op) => classifyPreview(op as "insert", found(2)))).toEqual(["conflict", "would_apply", "would_apply"]);
    expect(classifyPreview("upsert", found(0, 2))).toBe("conflict");
    expect(classifyPreview("insert", { state: "refused", error: "undeclared" })).toBe("would_fail");
    expect(classifyPreview("insert", { state: "error", error: "ECONNREFUSED" })).toBe("unreachable");
  });
});

describe("who replayed, in words", () => {
  it("names the run's starter and origin, the retry job, and never shows the bare replayer id", () => {
    expect(replayerWords("vm:18076:3dc6ed", { id: 12, actor: "ana@example.com", origin: "dashboard" })).toBe("run #12 by ana@example.com from the dashboard");
    expect(replayerWords("retry:vm:18076:3dc6ed")).toBe("the retry job");
    expect(replayerWords("retry:vm:18076:3dc6ed", { id: 7, actor: "lockboard (retry)", origin: "retry" })).toBe("the retry job (run #7)");
    expect(replayerWords("vm:1:aaaaaa", { id: 3, actor: "cli:ana", origin: "cli" })).toBe("run #3 by ana from the command line");
    expect(originWords("somewhere")).toBe("from an unrecorded place");
  });

  it("a replay's reason is required text", () => {
    expect(ReplayReasonSchema.safeParse(undefined).success).toBe(false);
    expect(ReplayReasonSchema.safeParse("  ok ").success).toBe(false);
    expect(ReplayReasonSchema.safeParse("a\u0000b c").success).toBe(false);
    expect(ReplayReasonSchema.parse("  after the outage ")).toBe("after the outage");
  });
});
