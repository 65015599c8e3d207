import { describe, expect, it } from "vitest";
import { safeNextPath } from "./safe-next";

const ORIGIN = "http://127.0.0.1:3000";

describe("the post-sign-in target", () => {
  it("keeps same-origin paths with their query and hash", () => {
    expect(safeNextPath("/locks", ORIGIN)).toBe("/locks");
    expect(safeNextPath("/incidents/12?tab=events#top", ORIGIN)).toBe("/incidents/12?tab=events#top");
    expect(safeNextPath("/a/%2F%2Fevil.example", ORIGIN)).toBe("/a/%2F%2Fevil.example");
    expect(safeNextPath(`${ORIGIN}/locks`, ORIGIN)).toBe("/locks");
  });

  it("sends everything that leaves the origin, or could, to the dashboard", () => {
    const shapes = [
      "//evil.example",
      "/\\evil.example",
      "\\\\evil.example",
      "\\/evil.example",
      "/\t/evil.example",
      "/%09/evil.example",
      "/\n/evil.example",
      "/\r\n/evil.example",
      " //evil.example",
      "https://evil.example",
      "https:evil.example",
      "HTTPS://evil.example/x",
      "http://127.0.0.1:3001/",
      "javascript:alert(1)",
      "JaVaScRiPt:alert(1)",
      "java\tscript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "/.//evil.example",
      "/%2F%2Fevil.example",
      "///evil.example",
      "http:/\\evil.example",
      "",
      undefined,
      null,
      "/sign-in?next=//evil.example",
    ];
    for (const s of shapes) {
      const out = safeNextPath(s as string, ORIGIN);
      const landed = new URL(out, ORIGIN);
      expect({ s, origin: landed.origin }).toEqual({ s, origin: ORIGIN });
      expect(out.startsWith("/") && !/^[/\\]{2}/.test(out)).toBe(true);
    }
    expect(safeNextPath("/\\evil.example", ORIGIN)).toBe("/");
    expect(safeNextPath("/%09/evil.example", ORIGIN)).toBe("/%09/evil.example");
    expect(safeNextPath("/\t/evil.example", ORIGIN)).toBe("/");
    expect(safeNextPath("javascript:alert(1)", ORIGIN)).toBe("/");
  });
});
