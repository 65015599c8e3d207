import { afterAll, describe, expect, it } from "vitest";
import pg from "pg";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { getSourceConnection, listSources, loadConfiguredSources, recordSourceHealth, upsertSource } from "./source-registry";

afterAll(disconnectPrisma);
const unique = `reg-${process.pid}-${Date.now()}`;

describe("source registry", () => {
  it("stores the URL encrypted and only ever returns it masked", async () => {
    const prisma = getPrisma();
    const url = "postgresql://app:hunter2-secret@127.0.0.1:5432/app";
    const pub = await upsertSource(prisma, { name: `${unique}-pg`, kind: "postgres", url });
    expect(pub.maskedUrl).toBe("postgresql://app:***@127.0.0.1:5432/app");
    expect(JSON.stringify(await listSources(prisma))).not.toContain("hunter2");

    const raw = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await raw.connect();
    const stored = await raw.query(`SELECT "urlEncrypted" FROM "Source" WHERE name = $1`, [`${unique}-pg`]);
    await raw.end();
    expect(stored.rows[0].urlEncrypted).not.toContain("hunter2");

    expect((await getSourceConnection(prisma, `${unique}-pg`))?.url).toBe(url);
    expect((await getSourceConnection(prisma, pub.id))?.source.name).toBe(`${unique}-pg`);
  });

  it("rejects a source whose URL does not fit its kind, naming the field", async () => {
    await expect(upsertSource(getPrisma(), { name: `${unique}-bad`, kind: "mongodb", url: "postgresql://x" })).rejects.toThrow(/url/);
  });

  it("keeps downSince at the first failure and clears it on recovery", async () => {
    const prisma = getPrisma();
    const s = await upsertSource(prisma, { name: `${unique}-mongo`, kind: "mongodb", url: "mongodb://127.0.0.1:1/x" });
    await recordSourceHealth(prisma, s.id, { ok: false, error: "connect ECONNREFUSED mongodb://u:pw@127.0.0.1:1" });
    const first = (await getSourceConnection(prisma, s.id))!.source;
    await new Promise((r) => setTimeout(r, 20));
    await recordSourceHealth(prisma, s.id, { ok: false, error: "still down" });
    const second = (await getSourceConnection(prisma, s.id))!.source;
    expect(first.healthStatus).toBe("down");
    expect(first.healthError).not.toContain("pw@");
    expect(second.downSince).toBe(first.downSince);
    await recordSourceHealth(prisma, s.id, { ok: true });
    const up = (await getSourceConnection(prisma, s.id))!.source;
    expect(up).toMatchObject({ healthStatus: "up", downSince: null, healthError: null });
  });

  it("loads sources from LOCKBOARD_SOURCES and explains a bad entry", async () => {
    const prisma = getPrisma();
    const loaded = await loadConfiguredSources(prisma, {
      LOCKBOARD_SOURCES: JSON.stringify([{ name: `${unique}-env`, kind: "prometheus", url: "http://127.0.0.1:9100/metrics" }]),
    });
    expect(loaded.map((s) => s.name)).toEqual([`${unique}-env`]);
    await expect(loadConfiguredSources(prisma, { LOCKBOARD_SOURCES: JSON.stringify([{ name: "x", kind: "postgres" }]) })).rejects.toThrow(
      /source 0\.url: a postgres source needs a url/,
    );
    await expect(loadConfiguredSources(prisma, { LOCKBOARD_SOURCES: "[{" })).rejects.toThrow(/not valid JSON/);
  });
});
