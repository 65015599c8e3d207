// User memory service (Zep-style): updates of one user's metadata are guarded by an advisory lock
// on a key derived from the user id; callers try for 200 ms, retry 3 times and give up. One worker
// takes the lock and stalls idle in its transaction, so the waiters pile up and fail until the
// holder is ended (from Lockboard's Locks page).
import pg from "pg";
import { appLog } from "./app-log";
import { assertLocal, sleep, type Scenario } from "./types";

const KEY_SQL = "hashtextextended('user-metadata:' || $1, 0)";

/** LOCKBOARD_ENTITY_ADVISORY_KEYS for this app: its logs name `userId`, its lock is KEY_SQL of it. */
export const METADATA_LOCK_ADVISORY_KEYS = { userId: { hash: "hashtextextended", prefix: "user-metadata:" } } as const;

export const metadataLock: Scenario = {
  name: "metadata-lock",
  summary: "a worker holds the advisory lock of one user's metadata idle in transaction; updaters (200 ms × 3 retries) give up",
  async run(ctx, opts) {
    assertLocal(ctx.pgUrl);
    const userId = String(opts.user ?? "user-4217");
    const restallAfter = Number(opts.restall ?? 0) * 1000;
    const log = appLog(ctx.logDir, "metadata-lock");
    const pool = new pg.Pool({ connectionString: ctx.pgUrl, max: 6, application_name: "memory-service" });
    pool.on("error", () => {});
    const existed = (await pool.query("SELECT to_regclass('user_metadata') AS t")).rows[0].t !== null;
    await pool.query(
      `CREATE TABLE IF NOT EXISTS user_metadata (user_id text PRIMARY KEY, metadata jsonb NOT NULL DEFAULT '{}', updated_at timestamptz NOT NULL DEFAULT now())`,
    );
    await pool.query(`INSERT INTO user_metadata (user_id) VALUES ($1) ON CONFLICT DO NOTHING`, [userId]);
    const key = (await pool.query<{ k: string }>(`SELECT ${KEY_SQL}::text AS k`, [userId])).rows[0]!.k;

    let stalls = 0;
    let released = 0;
    let succeeded = 0;
    let gaveUp = 0;
    let holder: pg.Client | null = null;
    let nextStall = Date.now();

    const stall = async () => {
      const c = new pg.Client({ connectionString: ctx.pgUrl, application_name: "memory-worker" });
      c.on("error", () => {});
      await c.connect();
      await c.query("BEGIN");
      await c.query(`SELECT pg_advisory_xact_lock(${KEY_SQL})`, [userId]);
      await c.query(`UPDATE user_metadata SET metadata = metadata || '{"summary":"stale"}', updated_at = now() WHERE user_id = $1`, [userId]);
      // …and the worker never commits: it hangs on a call it makes while holding the lock.
      c.once("end", () => {
        if (holder !== c) return;
        holder = null;
        released++;
        log.json("warn", "memory worker connection ended while holding the metadata lock", { user_id: userId, lock_key: key });
        nextStall = restallAfter > 0 ? Date.now() + restallAfter : Infinity;
      });
      holder = c;
      stalls++;
      log.json("info", "memory worker took the metadata lock", { user_id: userId, lock_key: key, pid: (c as unknown as { processID: number }).processID });
    };

    const update = async (n: number) => {
      const c = await pool.connect();
      try {
        for (let attempt = 1; attempt <= 3; attempt++) {
          try {
            await c.query("BEGIN");
            await c.query("SET LOCAL lock_timeout = '200ms'");
            await c.query(`SELECT pg_advisory_xact_lock(${KEY_SQL})`, [userId]);
            await c.query(`UPDATE user_metadata SET metadata = metadata || jsonb_build_object('n', $2::int), updated_at = now() WHERE user_id = $1`, [
              userId,
              n,
            ]);
            await c.query("COMMIT");
            succeeded++;
            return;
          } catch (err) {
            await c.query("ROLLBACK").catch(() => {});
            if ((err as { code?: string }).code !== "55P03") throw err;
            await sleep(50 * attempt, ctx.signal);
          }
        }
        gaveUp++;
        log.json("error", "failed to update user metadata after 3 retries: canceling statement due to lock timeout (waited 200ms)", {
          userId,
          lock_key: key,
          code: "55P03",
        });
      } finally {
        c.release();
      }
    };

    try {
      let n = 0;
      while (!ctx.signal.aborted) {
        if (!holder && Date.now() >= nextStall) await stall();
        await Promise.all([1, 2, 3].map(() => update(++n)));
        await sleep(ctx.pace * 1000, ctx.signal);
      }
    } finally {
      const h = holder as pg.Client | null;
      holder = null;
      await h?.end().catch(() => {});
      await pool
        .query(existed ? `DELETE FROM user_metadata WHERE user_id = $1` : "DROP TABLE IF EXISTS user_metadata", existed ? [userId] : [])
        .catch(() => {});
      await pool.end();
    }
    ctx.log(`metadata-lock: ${stalls} stalls, ${released} ended from outside, ${succeeded} updates succeeded, ${gaveUp} gave up`);
    return { stalls, released, succeeded, gaveUp, lockKey: key };
  },
};
