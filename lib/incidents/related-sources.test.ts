import { describe, expect, it } from "vitest";
import { relationTo, serverOf, type SourceRef } from "./related-sources";

const src = (id: number, name: string, kind: string, maskedUrl: string | null = null, config: Record<string, unknown> = {}): SourceRef => ({
  id,
  name,
  kind,
  maskedUrl,
  config,
});
const demoPg = src(2, "demo-pg", "postgres", "postgresql://postgres:***@127.0.0.1:41489/lockboard_demo_app");

describe("related sources", () => {
  it("reads the server of a URL", () => {
    expect(serverOf(demoPg)).toEqual({ host: "localhost:41489", database: "lockboard_demo_app" });
    expect(serverOf(src(1, "m", "mongodb", "mongodb://db.internal/x"))).toEqual({ host: "db.internal:27017", database: null });
    expect(serverOf(src(1, "l", "log"))).toBeNull();
  });
  it("the incident's own source, a database on the same server, a process watching it are related", () => {
    expect(relationTo(demoPg, demoPg)).toEqual({ related: true, why: "this incident's source" });
    expect(relationTo(demoPg, src(9, "demo-pg-2", "postgres", "postgresql://x:***@localhost:41489/lockboard_demo_app")).related).toBe(true);
    expect(relationTo(demoPg, src(9, "other-db", "postgres", "postgresql://x:***@localhost:41489/billing")).related).toBe(false);
    const modelServer = src(9, "model-server", "log");
    expect(relationTo(modelServer, src(4, "model-server-fds", "process", null, { pattern: "fd_exhaustion.py", eventSources: ["model-server"] }))).toEqual({
      related: true,
      why: "watches model-server's process (config.eventSources)",
    });
  });
  it("another process or server is only 'also at that time'", () => {
    expect(relationTo(demoPg, src(4, "model-server-fds", "process", null, { eventSources: ["model-server"] }))).toEqual({
      related: false,
      why: "another process",
    });
    expect(relationTo(demoPg, src(1, "demo-mongo", "mongodb", "mongodb://127.0.0.1:33079"))).toEqual({ related: false, why: "another server" });
    expect(relationTo(src(7, "memory-service", "log"), demoPg).related).toBe(false);
    expect(relationTo(null, demoPg).related).toBe(false);
  });
});
