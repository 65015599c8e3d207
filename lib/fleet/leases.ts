import "server-only";
import { Prisma, type PrismaClient } from "../store/generated/client";

/*
 * Why lease rows and not session-level pg_try_advisory_lock: an advisory lock lives exactly as
 * long as one session, so every job would need a dedicated connection outside the pool (Prisma's
 * adapter pool hands out a different connection per query), held for the process's life; a
 * connection the server or a proxy ends mid-run drops the lock silently while the job keeps
 * writing; and nobody else can see who holds what except through pg_locks on that server. A row
 * works over any pooled connection, says on the Settings page who holds what until when, and
 * carries a fencing token: each change of holder raises it, and the writes that must not come
 * from a stale holder (the log tailer's checkpoints, each run's tick) name it in their WHERE, so
 * a holder that paused past its expiry and woke up again matches no row.
 */

/** `host`: only an instance on that host may work it (a process source reads that host's /proc). */
export type LeaseSubject = { key: string; subject: string; sourceId: number | null; host?: string | null };
/** `token` null: run without a lease (runEverySubject), nothing to fence. */
export type HeldLease = LeaseSubject & { name: string; owner: string; token: bigint | null };

export const leaseName = (job: string, key: string) => `${job}:${key}`;

const ms = (n: number) => Prisma.sql`(${Math.round(n)}::int * interval '1 millisecond')`;

/** Extends every lease of `job` this owner still holds among `names`; returns those it kept. */
export async function renewLeases(
  prisma: PrismaClient,
  owner: string,
  job: string,
  names: string[],
  ttlMs: number,
): Promise<{ name: string; token: bigint }[]> {
  if (names.length === 0) return [];
  return prisma.$queryRaw<{ name: string; token: bigint }[]>`
    UPDATE "JobLease" SET "renewedAt" = now(), "expiresAt" = now() + ${ms(ttlMs)}
    WHERE job = ${job} AND owner = ${owner} AND "expiresAt" > now() AND name = ANY(${names}::text[])
    RETURNING name, token`;
}

/**
 * Compare-and-set in one statement per subject set: a subject nobody holds, or whose holder let
 * the expiry pass, becomes ours with a raised token. ON CONFLICT locks the row, so of two
 * instances trying at once the second re-reads it after the first commits and finds it taken.
 * Names are taken in sorted order so two such statements never deadlock.
 */
export async function acquireLeases(
  prisma: PrismaClient,
  owner: string,
  job: string,
  subjects: LeaseSubject[],
  ttlMs: number,
): Promise<{ name: string; token: bigint }[]> {
  if (subjects.length === 0) return [];
  const sorted = [...subjects].sort((a, b) => (a.key < b.key ? -1 : 1));
  return prisma.$queryRaw<{ name: string; token: bigint }[]>`
    INSERT INTO "JobLease" AS l (name, job, subject, "sourceId", owner, token, "acquiredAt", "renewedAt", "expiresAt")
    SELECT ${job} || ':' || u.key, ${job}, u.subject, u.source, ${owner}, 1, now(), now(), now() + ${ms(ttlMs)}
    FROM unnest(${sorted.map((s) => s.key)}::text[], ${sorted.map((s) => s.subject)}::text[], ${sorted.map((s) => s.sourceId)}::int[]) AS u(key, subject, source)
    ON CONFLICT (name) DO UPDATE SET
      owner = EXCLUDED.owner, subject = EXCLUDED.subject, "sourceId" = EXCLUDED."sourceId",
      token = l.token + 1, "acquiredAt" = now(), "renewedAt" = now(), "expiresAt" = EXCLUDED."expiresAt"
    WHERE l."expiresAt" <= now()
    RETURNING name, token`;
}

/** Names among `names` no live holder has, with how long each has been free (0: never taken). */
export async function listFreeLeases(prisma: PrismaClient, names: string[]): Promise<Map<string, number>> {
  if (names.length === 0) return new Map();
  const rows = await prisma.$queryRaw<{ name: string; live: boolean; freeMs: number }[]>`
    SELECT name, "expiresAt" > now() AS live, (extract(epoch FROM now() - "expiresAt") * 1000)::float8 AS "freeMs"
    FROM "JobLease" WHERE name = ANY(${names}::text[])`;
  const known = new Map(rows.map((r) => [r.name, r]));
  const free = new Map<string, number>();
  for (const n of names) {
    const r = known.get(n);
    if (!r) free.set(n, 0);
    else if (!r.live) free.set(n, Number(r.freeMs));
  }
  return free;
}

/** Hands leases back at once (a clean stop, or a share given up): the next instance need not wait for the expiry. */
export async function releaseLeases(prisma: PrismaClient, owner: string, names?: string[]): Promise<number> {
  if (names && names.length === 0) return 0;
  return names
    ? prisma.$executeRaw`UPDATE "JobLease" SET "expiresAt" = now() WHERE owner = ${owner} AND "expiresAt" > now() AND name = ANY(${names}::text[])`
    : prisma.$executeRaw`UPDATE "JobLease" SET "expiresAt" = now() WHERE owner = ${owner} AND "expiresAt" > now()`;
}

/**
 * Claims this tick of the job for the leases still ours (owner and token unchanged, not expired)
 * whose last run is at least `everyMs` ago: one run per interval per subject, whichever instance
 * holds it, even right after a handover. Returns the names claimed.
 */
export async function claimTicks(prisma: PrismaClient, owner: string, held: { name: string; token: bigint }[], everyMs: number): Promise<Set<string>> {
  if (held.length === 0) return new Set();
  const rows = await prisma.$queryRaw<{ name: string }[]>`
    UPDATE "JobLease" l SET "lastRunAt" = now()
    FROM unnest(${held.map((h) => h.name)}::text[], ${held.map((h) => h.token.toString())}::bigint[]) AS u(name, token)
    WHERE l.name = u.name AND l.token = u.token AND l.owner = ${owner} AND l."expiresAt" > now()
      AND (l."lastRunAt" IS NULL OR l."lastRunAt" <= now() - ${ms(everyMs)})
    RETURNING l.name`;
  return new Set(rows.map((r) => r.name));
}

/** Leases whose subject is gone (a deleted source) and that nobody renewed for a day. */
export async function deleteStaleLeases(prisma: PrismaClient): Promise<number> {
  return prisma.$executeRaw`DELETE FROM "JobLease" WHERE "expiresAt" < now() - interval '1 day'`;
}

/**
 * The guard a fenced write puts in its WHERE: true while `lease` is still held by its owner with
 * its token. FOR SHARE makes a takeover wait for the guarded write's transaction, and a takeover
 * that committed first is seen (the row is re-read under READ COMMITTED).
 */
export const leaseStillHeld = (lease: { name: string; owner: string; token: bigint }) =>
  Prisma.sql`EXISTS (SELECT 1 FROM "JobLease" WHERE name = ${lease.name} AND owner = ${lease.owner} AND token = ${lease.token.toString()}::bigint AND "expiresAt" > now() FOR SHARE)`;
