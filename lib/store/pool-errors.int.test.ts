import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { keepPoolAlive } from "./pool-errors";

const embeddedUrl = inject("embeddedUrl");
const pool = keepPoolAlive(new pg.Pool({ connectionString: embeddedUrl, max: 2 }), "test");
afterAll(() => pool.end());

const terminate = async (pid: number) => {
  const admin = new pg.Client({ connectionString: embeddedUrl });
  await admin.connect();
  await admin.query("SELECT pg_terminate_backend($1)", [pid]);
  await admin.end();
};

describe("a pooled store connection the server ends", () => {
  // Without the listeners the 'error' would be uncaught: the test run (like the dashboard) would die.
  it("ends neither the process nor the pool, whether the client was checked out or idle", async () => {
    const held = await pool.connect();
    const heldPid = (held as unknown as { processID: number }).processID;
    await terminate(heldPid);
    await new Promise((r) => setTimeout(r, 300));
    held.release(true);
    const idle = await pool.connect();
    const idlePid = (idle as unknown as { processID: number }).processID;
    idle.release();
    await terminate(idlePid);
    await new Promise((r) => setTimeout(r, 300));
    const { rows } = await pool.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    expect(rows[0]!.pid).not.toBe(heldPid);
    expect(rows[0]!.pid).not.toBe(idlePid);
  });
});
