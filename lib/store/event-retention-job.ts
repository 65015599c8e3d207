import "server-only";
import pg from "pg";
import { secondsFromEnv } from "../jobs/background-job";
import { forgetOwnBackend, registerOwnBackend } from "../postgres/own-backends";
import { dropExpiredEvents, ensureEventPartitions, pruneEntities, retentionFromEnv, type DroppedPartitions } from "./event-partitions";

/** One pass: days made ahead, days past retention dropped. On its own connection (DDL, one statement per transaction). */
export async function runEventRetention(databaseUrl: string, nowMs = Date.now()): Promise<{ made: string[]; dropped: DroppedPartitions[]; entities: number }> {
  const retention = retentionFromEnv();
  const client = new pg.Client({ connectionString: databaseUrl, application_name: "lockboard-retention" });
  await client.connect();
  try {
    await registerOwnBackend(client, "retention");
    const made = await ensureEventPartitions(client, nowMs, retention);
    const dropped = await dropExpiredEvents(client, nowMs, retention);
    const entities = await pruneEntities(client, nowMs, retention);
    return { made, dropped, entities };
  } finally {
    forgetOwnBackend(client);
    await client.end().catch(() => {});
  }
}

/** Every 10 minutes (LOCKBOARD_RETENTION_INTERVAL_SECONDS), on one instance of the fleet. */
export const eventRetentionJob = {
  name: "event-retention",
  intervalMs: () => secondsFromEnv("LOCKBOARD_RETENTION_INTERVAL_SECONDS", 600),
  run: async () => {
    const url = process.env.DATABASE_URL;
    if (!url) return;
    const { made, dropped, entities } = await runEventRetention(url);
    const gone = dropped.filter((d) => d.dropped.length > 0);
    if (made.length > 0 || gone.length > 0 || entities > 0)
      console.log(
        `[lockboard] event retention: partitions made for ${made.join(", ") || "no day"}; ${
          gone.map((d) => `${d.class} before ${d.keptFrom}: ${d.dropped.length} partitions dropped`).join("; ") || "nothing past retention"
        }; ${entities} entities no longer seen removed`,
      );
  },
};
