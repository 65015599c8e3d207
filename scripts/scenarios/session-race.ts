// Web analytics (Umami-style): the first page views of a new visitor race to create its session.
// Each view checks whether the session exists and inserts it if not, so concurrent views of the
// same visitor collide on the unique session_uuid: real 23505 errors in the server log.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { assertLocal, sleep, type Scenario } from "./types";

const TABLE = "session";

export const sessionRace: Scenario = {
  name: "session-race",
  summary: "concurrent first page views of a new visitor race to insert its session (PostgreSQL 23505); --fixed uses ON CONFLICT DO NOTHING",
  async run(ctx, opts) {
    assertLocal(ctx.pgUrl);
    const fixed = opts.fixed === true;
    const views = Number(opts.views ?? 4);
    const pool = new pg.Pool({ connectionString: ctx.pgUrl, max: views, application_name: "analytics-web" });
    pool.on("error", () => {});
    const existed = (await pool.query("SELECT to_regclass($1) AS t", [TABLE])).rows[0].t !== null;
    await pool.query(`CREATE TABLE IF NOT EXISTS ${TABLE} (
      session_id bigserial PRIMARY KEY,
      session_uuid uuid NOT NULL,
      website_id uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT session_session_uuid_key UNIQUE (session_uuid))`);
    const website = randomUUID();
    let visitors = 0;
    let duplicates = 0;
    let inserted = 0;
    try {
      while (!ctx.signal.aborted) {
        const visitor = randomUUID();
        visitors++;
        // All views look first, then all write: the check-then-insert window of a real request.
        const clients = await Promise.all(Array.from({ length: views }, () => pool.connect()));
        try {
          const seen = await Promise.all(clients.map((c) => c.query(`SELECT 1 FROM ${TABLE} WHERE session_uuid = $1`, [visitor])));
          const results = await Promise.allSettled(
            clients.map((c, i) =>
              seen[i]!.rowCount
                ? Promise.resolve()
                : c.query(`INSERT INTO ${TABLE} (session_uuid, website_id) VALUES ($1, $2)${fixed ? " ON CONFLICT (session_uuid) DO NOTHING" : ""}`, [
                    visitor,
                    website,
                  ]),
            ),
          );
          for (const r of results) {
            if (r.status === "fulfilled") inserted++;
            else if ((r.reason as { code?: string }).code === "23505") duplicates++;
            else throw r.reason;
          }
        } finally {
          for (const c of clients) c.release();
        }
        await sleep(ctx.pace * 1000, ctx.signal);
      }
    } finally {
      // Leave the database as found: drop the table if this run made it, else only its own rows.
      await pool.query(existed ? `DELETE FROM ${TABLE} WHERE website_id = $1` : `DROP TABLE IF EXISTS ${TABLE}`, existed ? [website] : []).catch(() => {});
      await pool.end();
    }
    ctx.log(`session-race: ${visitors} new visitors, ${duplicates} duplicate-key errors${fixed ? " (fixed: ON CONFLICT DO NOTHING)" : ""}`);
    return { visitors, duplicates, inserted, fixed };
  },
};
