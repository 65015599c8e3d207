import { describe, expect, it } from "vitest";
import { isBearerPush } from "./push-exemption";

describe("bearer exemption of the proxy", () => {
  it("passes only POST to the four push endpoints with a bearer token", () => {
    for (const p of ["/api/ingest", "/api/ingest/v1/logs", "/api/failed-writes", "/api/failed-writes/import"]) {
      expect(isBearerPush("POST", p, "Bearer abc")).toBe(true);
    }
  });
  it("never passes another method, path shape or credential", () => {
    for (const m of ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE", "post", "Post"])
      expect(isBearerPush(m, "/api/failed-writes", "Bearer abc")).toBe(false);
    for (const p of [
      "/api/failed-writes/",
      "/api/failed-writes/1",
      "/api/failed-writes/replay",
      "/api/%66ailed-writes",
      "/api/failed-writes%2F",
      "/API/failed-writes",
      "/api/ingest/",
      "/api/ingest/x",
      "//api/ingest",
    ]) {
      expect(isBearerPush("POST", p, "Bearer abc")).toBe(false);
    }
    for (const a of [null, "", "Bearer", "Bearer ", "Basic abc", "bearerabc"]) expect(isBearerPush("POST", "/api/ingest", a)).toBe(false);
  });
});
