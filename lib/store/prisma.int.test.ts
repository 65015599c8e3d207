import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectPrisma, getPrisma } from "./prisma";

// A pool of 4: interactive transactions get 2 of them, reads always have the other 2.
beforeAll(async () => {
  await disconnectPrisma();
  process.env.LOCKBOARD_STORE_CONNECTIONS = "4";
});
afterAll(async () => {
  await disconnectPrisma();
  delete process.env.LOCKBOARD_STORE_CONNECTIONS;
});

async function storeConnections(c: pg.Client): Promise<number> {
  const r = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
  return r.rows[0].n;
}

describe("the store pool", () => {
  it("holds at most LOCKBOARD_STORE_CONNECTIONS, and transactions that wait for seconds never starve the reads", async () => {
    const prisma = getPrisma();
    const watcher = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await watcher.connect();
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await storeConnections(watcher));
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    try {
      // Six lock actions' worth of held transactions, 1 s each: two run at a time.
      let firstHeldDone = Infinity;
      const held = Array.from({ length: 6 }, () =>
        prisma
          .$transaction(async (tx) => tx.$executeRawUnsafe("SELECT pg_sleep(1)"), { maxWait: 20_000, timeout: 20_000 })
          .then(() => (firstHeldDone = Math.min(firstHeldDone, performance.now()))),
      );
      await new Promise((r) => setTimeout(r, 200));
      const reads = await Promise.all(Array.from({ length: 50 }, () => prisma.$queryRawUnsafe<{ ok: number }[]>("SELECT 1 AS ok")));
      const readsDone = performance.now();
      expect(reads).toHaveLength(50);
      await Promise.all(held);
      // The reads did not wait for a held transaction to give its connection back.
      expect(readsDone).toBeLessThan(firstHeldDone);
      await Promise.all(held);
    } finally {
      sampling = false;
      await sampler;
      await watcher.end();
    }
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(4);
  });
});
