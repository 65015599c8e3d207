import "server-only";
import { type BackgroundJob, secondsFromEnv } from "../jobs/background-job";
import { getSourceConnection, listSources } from "../sources/source-registry";
import { getServerIdentity, tailServerLog } from "./pg-log-tailer";

// A server whose role may not read its log is asked again only this often (grants change rarely).
const RETRY_SKIPPED_MS = 10 * 60_000;
const skipped = new Map<number, { at: number; reason: string }>();
/** Sources told once that another source reads their server's log: source id → that source. */
const sharing = new Map<number, string>();

/**
 * Tails the log of every monitored PostgreSQL server through pg_read_binary_file(), once per
 * server however many sources reach it (under the oldest one that may read it). A source opts
 * out with `config.tailLog: false`. LOCKBOARD_PG_LOG_TAIL_SECONDS sets the period (default 10).
 */
export const pgLogTailJob: BackgroundJob = {
  name: "pg-log-tail",
  intervalMs: () => secondsFromEnv("LOCKBOARD_PG_LOG_TAIL_SECONDS", 10),
  async run({ prisma, signal }) {
    const failures: string[] = [];
    // The oldest source of a server reads its log; later ones for the same server are skipped.
    const readBy = new Map<string, string>();
    const sources = (await listSources(prisma, { kind: "postgres" })).sort((a, b) => a.id - b.id);
    for (const s of sources) {
      if (signal.aborted) return;
      if (s.config.tailLog === false) continue;
      const skip = skipped.get(s.id);
      if (skip && Date.now() - skip.at < RETRY_SKIPPED_MS) continue;
      const conn = await getSourceConnection(prisma, s.id);
      if (!conn?.url) continue;
      try {
        const server = await getServerIdentity(conn.url);
        const reader = server ? readBy.get(server) : undefined;
        if (reader) {
          if (sharing.get(s.id) !== reader) console.error(`[lockboard] ${s.name}: same server as ${reader}, whose reading of the log counts its lines once`);
          sharing.set(s.id, reader);
          continue;
        }
        sharing.delete(s.id);
        const r = await tailServerLog(prisma, s, conn.url, signal);
        if (r.ok && server) readBy.set(server, s.name);
        if (r.ok) skipped.delete(s.id);
        else {
          if (skip?.reason !== r.reason) console.error(`[lockboard] ${s.name}: not tailing the server log: ${r.reason}`);
          skipped.set(s.id, { at: Date.now(), reason: r.reason });
        }
      } catch (err) {
        failures.push(`${s.name}: ${(err as Error).message}`);
      }
    }
    if (failures.length) throw new Error(failures.join("; "));
  },
};
