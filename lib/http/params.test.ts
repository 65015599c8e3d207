import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, isCursorOf } from "../incidents/cursor";
import { int4IdParam, int8IdParam, isoDateTimeParam, pgTimestampParam, textParam } from "./params";
import { API_PARAM_ROUTES, pathProblem } from "./path-segments";

const ok = (schema: { safeParse(v: unknown): { success: boolean } }, v: unknown) => schema.safeParse(v).success;

describe("zod primitives for the edge", () => {
  it("ids fit their column: int4 up to 2147483647, int8 up to 9223372036854775807, digits only", () => {
    expect(int4IdParam.parse("2147483647")).toBe(2147483647);
    for (const bad of ["2147483648", "99999999999", "0", "-1", "1e3", "0x10", " 7", "", "1.5", "\u00001"]) expect(ok(int4IdParam, bad), bad).toBe(false);
    expect(int8IdParam.parse("9223372036854775807")).toBe("9223372036854775807");
    for (const bad of ["9223372036854775808", "99999999999999999999", "0"]) expect(ok(int8IdParam, bad), bad).toBe(false);
  });

  it("text has no NUL, no lone surrogate and a bounded length", () => {
    const t = textParam(5);
    expect(t.parse(" abc ")).toBe("abc");
    expect(t.safeParse("a\u0000b").error?.issues[0]?.message).toMatch(/NUL/);
    expect(t.safeParse("a\ud800").error?.issues[0]?.message).toMatch(/lone UTF-16 surrogate/);
    expect(ok(t, "\ud83d\ude00")).toBe(true);
    expect(ok(t, "abcdef")).toBe(false);
  });

  it("dates are real calendar dates within years 1000-9999", () => {
    expect(ok(isoDateTimeParam, "2026-12-01T10:00:00Z")).toBe(true);
    for (const bad of ["0000-01-01T00:00:00Z", "-200000-01-01T00:00:00Z", "2026-99-01T00:00:00Z", "2026-02-30T00:00:00Z", "0999-12-31T23:59:59Z"]) {
      expect(ok(isoDateTimeParam, bad), bad).toBe(false);
    }
  });

  it("backend_start timestamps are range-checked field by field", () => {
    for (const good of ["2026-12-01T10:30:12.123456+00:00", "2026-12-01 10:30:12.5+00", "2024-02-29T00:00:00Z"])
      expect(ok(pgTimestampParam, good), good).toBe(true);
    for (const bad of ["2026-99-99T99:99:99Z", "2026-02-30T00:00:00Z", "2026-12-01T10:30:12+16:00", "0000-01-01T00:00:00Z", "yesterday"])
      expect(ok(pgTimestampParam, bad), bad).toBe(false);
  });

  it("cursors carry an id within int8 and a value of their kind", () => {
    expect(decodeCursor(encodeCursor("2026-01-01T00:00:00.000Z", "9223372036854775808"))).toBeNull();
    expect(decodeCursor(Buffer.from('[1e999,"1"]').toString("base64url"))).toBeNull();
    expect(isCursorOf(encodeCursor("2026-01-01T00:00:00.000Z", 1), "time")).toBe(true);
    expect(isCursorOf(encodeCursor("-200000-01-01T00:00:00Z", 1), "time")).toBe(false);
    expect(isCursorOf(encodeCursor("2026-99-01T00:00:00Z|1", 1), "timeRank")).toBe(false);
    expect(isCursorOf(encodeCursor("2026-01-01T00:00:00.000Z|1", 1), "timeRank")).toBe(true);
    expect(isCursorOf(encodeCursor(1e300, 1), "int4")).toBe(false);
    expect(isCursorOf(encodeCursor(5, "99999999999"), "int4", 2147483647n)).toBe(false);
  });
});

describe("path segments Next cannot decode", () => {
  it("are named by their route parameter", () => {
    expect(pathProblem("/api/locks/%F0")).toEqual({ name: "source", message: "is not valid UTF-8 once percent-decoded" });
    expect(pathProblem("/api/locks/demo/backends/%ED%A0%80")?.name).toBe("pid");
    expect(pathProblem("/api/entities/lock/a/%C0%AE%C0%AE")?.name).toBe("key");
    expect(pathProblem("/api/failed-writes/%00/replay")).toEqual({ name: "id", message: "must not contain NUL (\\u0000) characters" });
    expect(pathProblem("/api/%F0")?.name).toBe("path segment 2");
    expect(pathProblem("/incidents/%F0")?.name).toBe("path segment 2");
  });

  it("leave every decodable path alone", () => {
    for (const p of ["/api/locks/demo-pg", "/api/entities/user/a%2Fb%20c", "/api/locks/..%2F..", "/api/entities/x/%E2%9C%93", "/"])
      expect(pathProblem(p), p).toBeNull();
  });

  it("know every dynamic API route (the list follows app/api)", () => {
    const root = path.resolve(__dirname, "../../app/api");
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(path.join(dir, e.name)) : e.name === "route.ts" ? [path.relative(root, dir)] : [],
      );
    expect([...API_PARAM_ROUTES].sort()).toEqual(
      walk(root)
        .filter((r) => r.includes("["))
        .sort(),
    );
  });
});
