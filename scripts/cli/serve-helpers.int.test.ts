// The demo's scenario apps connect as an ordinary application role, so Release works on their
// locks through demo-pg (a superuser monitoring URL) without the superuser opt-in.
import { afterAll, describe, expect, inject, it } from "vitest";
import pg from "pg";
import { randomBigKey } from "@/e2e/support/pg-sessions";
import { encodeBigintKey } from "@/lib/postgres/advisory-key";
import { DEMO_PG_DATABASE } from "@/lib/postgres/demo-source";
import { upsertSource } from "@/lib/sources/source-registry";
import { ensureDatabase } from "@/lib/store/start-store";
import { performLockAction } from "@/lib/postgres/lock-action";
import { closeMonitorPools } from "@/lib/postgres/monitor-pool";
import { disconnectPrisma, getPrisma } from "@/lib/store/prisma";
import { DEMO_APP_ROLE, demoAppDatabaseUrl } from "./serve-helpers";

afterAll(async () => {
  await closeMonitorPools();
  await disconnectPrisma();
});

const superUrl = inject("embeddedUrl");
const demoDb = superUrl.replace(/\/postgres$/, "/lockboard_demo_app");

describe("the demo's app database", () => {
  it("belongs to an ordinary role the scenario apps log in as; their locks are released without the opt-in", async () => {
    // As registerDemoPgSource registers demo-pg (which it skips once other PostgreSQL sources exist, as in this run).
    await ensureDatabase(superUrl, DEMO_PG_DATABASE);
    const demoPg = await upsertSource(getPrisma(), {
      name: `it-demo-pg-${Date.now()}`,
      kind: "postgres",
      url: demoDb,
      demo: true,
      config: { scope: "database" },
    });
    // A table an earlier run made as the superuser becomes the app role's.
    const admin = new pg.Client({ connectionString: demoDb });
    await admin.connect();
    await admin.query("CREATE TABLE IF NOT EXISTS leftover_from_superuser (id int)").finally(() => admin.end());

    const appUrl = await demoAppDatabaseUrl(superUrl, () => {});
    expect(new URL(appUrl).username).toBe(DEMO_APP_ROLE);
    const app = new pg.Client({ connectionString: appUrl });
    app.on("error", () => {});
    await app.connect();
    const who = (
      await app.query(
        "SELECT r.rolsuper, r.rolreplication, r.rolcreaterole, pg_get_userbyid(d.datdba) AS owner, current_user AS me FROM pg_roles r, pg_database d WHERE r.rolname = current_user AND d.datname = current_database()",
      )
    ).rows[0];
    expect(who).toEqual({ rolsuper: false, rolreplication: false, rolcreaterole: false, owner: DEMO_APP_ROLE, me: DEMO_APP_ROLE });
    await app.query("DROP TABLE leftover_from_superuser");

    const key = randomBigKey();
    await app.query("SELECT pg_advisory_lock($1)", [key.toString()]);
    const me = (
      await app.query(
        "SELECT pg_backend_pid() AS pid, to_json(backend_start) #>> '{}' AS bs, (SELECT oid::int8 FROM pg_database WHERE datname = current_database())::int AS db FROM pg_stat_activity WHERE pid = pg_backend_pid()",
      )
    ).rows[0];
    expect(demoPg.config).toEqual({ scope: "database" });
    const r = await performLockAction(getPrisma(), {
      actor: { name: "it-demo", role: "operator" },
      source: demoPg,
      url: demoDb,
      action: "release",
      input: {
        pid: me.pid,
        backendStart: me.bs,
        lock: { locktype: "advisory", database: me.db, ...encodeBigintKey(key) },
        reason: "demo release",
        endBlockingBackend: false,
      },
    });
    expect(r).toMatchObject({ outcome: "released" });
    await app.end().catch(() => {});
  });

  it("falls back to the given URL's role when that one cannot create roles", async () => {
    const appUrl = await demoAppDatabaseUrl(superUrl, () => {});
    const lines: string[] = [];
    expect(await demoAppDatabaseUrl(appUrl, (l) => lines.push(l))).toBe(appUrl);
    expect(lines.join("\n")).toContain(`cannot create the demo app role ${DEMO_APP_ROLE}`);
  });
});
