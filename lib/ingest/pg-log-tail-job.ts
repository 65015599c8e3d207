import "server-only";
import { createHash } from "node:crypto";
import { runEverySubject, type LeasedJob } from "../fleet/leased-job";
import { secondsFromEnv } from "../jobs/background-job";
import { getSourceConnection, listSources, type PublicSource } from "../sources/source-registry";
import type { PrismaClient } from "../store/generated/client";
import { getServerIdentity, tailServerLog } from "./pg-log-tailer";

// A server whose role may not read its log is asked again only this often (grants change rarely).
const RETRY_SKIPPED_MS = 10 * 60_000;
// Which server a source reaches changes only with a restart (its start time is part of it).
const IDENTITY_TTL_MS = 60_000;
const skipped = new Map<number, { at: number; reason: string }>();
/** Sources told once that another source reads their server's log: source id → that source. */
const sharing = new Map<number, string>();
const identities = new Map<number, { at: number; server: string | null }>();
/** Lease key → the sources reaching that server, oldest first (from the last listSubjects). */
const groups = new Map<string, PublicSource[]>();

/**
 * The server a source reaches, or null when it cannot be told now. A source whose server is
 * unknown is no subject at all: tailed on its own it could be a second reader of a log another
 * source of the same server reads (each line would count twice, under two source ids). A lookup
 * that fails keeps the last answer: a slow server is still the same server.
 */
async function serverOf(prisma: PrismaClient, s: PublicSource): Promise<string | null> {
  const cached = identities.get(s.id);
  if (cached && Date.now() - cached.at < IDENTITY_TTL_MS) return cached.server;
  const conn = await getSourceConnection(prisma, s.id);
  const server = conn?.url ? await getServerIdentity(conn.url).catch(() => undefined) : null;
  if (server === undefined) return cached?.server ?? null;
  identities.set(s.id, { at: Date.now(), server });
  return server;
}

/**
 * Tails the log of every monitored PostgreSQL server through pg_read_binary_file(), once per
 * server however many sources reach it (under the oldest one that may read it). The lease is per
 * server, not per source, since the log is the server's: two instances holding two sources of one
 * server would each count its lines. A source opts out with `config.tailLog: false`; one whose
 * server was never reached is not tailed until it is. LOCKBOARD_PG_LOG_TAIL_SECONDS sets the
 * period (default 10).
 */
export const pgLogTailJob: LeasedJob = {
  name: "pg-log-tail",
  intervalMs: () => secondsFromEnv("LOCKBOARD_PG_LOG_TAIL_SECONDS", 10),
  async listSubjects(prisma, signal) {
    const sources = (await listSources(prisma, { kind: "postgres" })).filter((s) => s.config.tailLog !== false).sort((a, b) => a.id - b.id);
    // Side by side: an unreachable source's connect timeout must not hold up the lease renewals.
    const servers = signal.aborted ? [] : await Promise.all(sources.map((s) => serverOf(prisma, s)));
    groups.clear();
    sources.forEach((s, i) => {
      const server = servers[i];
      if (!server) return;
      const key = `server:${createHash("sha1").update(server).digest("hex").slice(0, 16)}`;
      groups.set(key, [...(groups.get(key) ?? []), s]);
    });
    return [...groups].map(([key, members]) => ({
      key,
      subject:
        members.length > 1
          ? `${members[0]!.name}'s server (also ${members
              .slice(1)
              .map((m) => m.name)
              .join(", ")})`
          : members[0]!.name,
      sourceId: members[0]!.id,
    }));
  },
  async runFor({ prisma, signal, leases }) {
    const failures: string[] = [];
    for (const lease of leases) {
      const fence = lease.token === null ? undefined : { name: lease.name, owner: lease.owner, token: lease.token };
      let reader: string | null = null;
      for (const s of groups.get(lease.key) ?? []) {
        if (signal.aborted) return;
        if (reader) {
          if (sharing.get(s.id) !== reader) console.error(`[lockboard] ${s.name}: same server as ${reader}, whose reading of the log counts its lines once`);
          sharing.set(s.id, reader);
          continue;
        }
        sharing.delete(s.id);
        const skip = skipped.get(s.id);
        if (skip && Date.now() - skip.at < RETRY_SKIPPED_MS) continue;
        const conn = await getSourceConnection(prisma, s.id);
        if (!conn?.url) continue;
        try {
          const r = await tailServerLog(prisma, s, conn.url, signal, fence);
          if (r.ok) {
            reader = s.name;
            skipped.delete(s.id);
          } else {
            if (skip?.reason !== r.reason) console.error(`[lockboard] ${s.name}: not tailing the server log: ${r.reason}`);
            skipped.set(s.id, { at: Date.now(), reason: r.reason });
          }
        } catch (err) {
          failures.push(`${s.name}: ${(err as Error).message}`);
          // A lost lease ends this server's turn here; the new holder carries on from the checkpoint.
          if ((err as Error).name === "LeaseLostError") break;
        }
      }
    }
    if (failures.length) throw new Error(failures.join("; "));
  },
  run: (ctx) => runEverySubject(pgLogTailJob)(ctx),
};
