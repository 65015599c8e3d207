import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "./cursor";
import { ListIncidentsQuerySchema } from "./incident-query";
import { RUNBOOKS, runbookFor } from "./runbooks";

describe("cursors", () => {
  it("round-trip the sort value and id, and refuse anything else", () => {
    expect(decodeCursor(encodeCursor("2026-11-23T04:00:00.000Z", 42))).toEqual({ value: "2026-11-23T04:00:00.000Z", id: "42" });
    expect(decodeCursor(encodeCursor(7, "9007199254740993"))).toEqual({ value: 7, id: "9007199254740993" });
    for (const bad of [
      "",
      "abc",
      Buffer.from('["x"]').toString("base64url"),
      Buffer.from('[1,"1; DROP"]').toString("base64url"),
      Buffer.from("{}").toString("base64url"),
    ]) {
      expect(decodeCursor(bad)).toBeNull();
    }
  });

  it("belong to their sort order", () => {
    const byCount = encodeCursor(5, 1);
    expect(ListIncidentsQuerySchema.safeParse({ sort: "count", cursor: byCount }).success).toBe(true);
    const r = ListIncidentsQuerySchema.safeParse({ sort: "lastSeen", cursor: byCount });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(["cursor"]);
  });
});

describe("runbooks", () => {
  it("cover the catalog's main kinds with concrete advice and fall back for the rest", () => {
    expect(runbookFor("duplicate_key").code).toMatch(/ON CONFLICT .* DO NOTHING/s);
    expect(runbookFor("fd_exhaustion").steps.join(" ")).toMatch(/keepAlive|file-descriptor|LimitNOFILE/);
    expect(runbookFor("advisory_lock_stuck").steps.join(" ")).toMatch(/Release/);
    expect(runbookFor("something_new").title).toBe("Unclassified failure");
    for (const r of Object.values(RUNBOOKS)) expect(r.steps.length).toBeGreaterThan(0);
  });
});
