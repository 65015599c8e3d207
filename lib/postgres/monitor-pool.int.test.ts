import { afterAll, describe, expect, inject, it } from "vitest";
import pg from "pg";
import { closeMonitorPools, MONITOR_APPLICATION_NAME, withMonitorClient } from "./monitor-pool";

afterAll(closeMonitorPools);

describe("monitor pool", () => {
  it("names itself and fails fast behind a lock instead of queueing", async () => {
    const url = inject("databaseUrl");
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query("CREATE TABLE IF NOT EXISTS monitor_pool_probe (id int)");
      await holder.query("BEGIN; LOCK TABLE monitor_pool_probe IN ACCESS EXCLUSIVE MODE");
      const name = await withMonitorClient(url, async (c) => (await c.query("SELECT current_setting('application_name') AS n")).rows[0].n);
      expect(name).toBe(MONITOR_APPLICATION_NAME);
      const started = Date.now();
      const err = await withMonitorClient(url, (c) => c.query("SELECT count(*) FROM monitor_pool_probe"), { lockTimeoutMs: 100 }).catch((e) => e);
      expect(err.code).toBe("55P03");
      expect(Date.now() - started).toBeLessThan(1_500);
      // The custom timeout does not leak into the next borrower of the same connection.
      const after = await withMonitorClient(url, async (c) => (await c.query("SELECT current_setting('lock_timeout') AS t")).rows[0].t);
      expect(after).toBe("200ms");
    } finally {
      await holder.query("ROLLBACK").catch(() => {});
      await holder.query("DROP TABLE IF EXISTS monitor_pool_probe");
      await holder.end();
    }
  });

  it("reports an unreachable server as an error, not a hang", async () => {
    const err = await withMonitorClient("postgresql://postgres@127.0.0.1:1/postgres", (c) => c.query("SELECT 1")).catch((e) => e);
    expect(String(err.message ?? err)).toMatch(/ECONNREFUSED|connect/);
  });
});
