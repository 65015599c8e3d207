import "server-only";
import { Prisma, type PrismaClient } from "../store/generated/client";
import { HttpError } from "./errors";

/*
 * Limits live in the store ("RateLimit", one row per key), so every instance behind a load
 * balancer counts against the same limit. Not rate-limiter-flexible's RateLimiterPostgres: it
 * counts in fixed windows (a client may spend a whole window's attempts at its end and again at
 * the start of the next: twice the limit within seconds), creates its table at run time unless
 * told not to, and sweeps on its own timers; these limits keep their sliding window and token
 * bucket semantics in two statements on the store's own pool, in a table our migrations create.
 * Each decision is made on the row locked FOR UPDATE, so parallel attempts on several instances
 * are counted one after another. Times are the store's clock (one clock for the whole fleet);
 * tests pass their own.
 */

const at = (now: Date | undefined) => (now ? Prisma.sql`${now}::timestamptz` : Prisma.sql`now()`);
const ms = (n: number) => Prisma.sql`(${Math.round(n)}::int * interval '1 millisecond')`;

/** Rows past their expiry say nothing; swept now and then by whoever writes one. */
async function sweepSometimes(prisma: PrismaClient): Promise<void> {
  if (Math.random() >= 0.01) return;
  await prisma.$executeRaw`DELETE FROM "RateLimit" WHERE "expiresAt" < now() - interval '1 minute'`;
  // Better Auth's own limit rows (auth.ts) are never deleted by it; a day-old one counts nothing.
  await prisma.$executeRaw`DELETE FROM "auth_rate_limit" WHERE "lastRequest" < (extract(epoch FROM now() - interval '1 day') * 1000)::bigint`;
}

async function ensureRow(prisma: PrismaClient, key: string, t: Prisma.Sql): Promise<void> {
  await prisma.$executeRaw`
    INSERT INTO "RateLimit" (key, hits, tokens, "updatedAt", "expiresAt") VALUES (${key}, ARRAY[]::timestamptz[], NULL, ${t}, ${t})
    ON CONFLICT (key) DO NOTHING`;
}

/**
 * Token bucket per key: `perMinute` requests a minute on average with bursts up to `burst`.
 * Over the limit: 429 with Retry-After.
 */
export async function enforceRateLimit(prisma: PrismaClient, key: string, perMinute: number, burst = perMinute, now?: Date): Promise<void> {
  const t = at(now);
  await ensureRow(prisma, key, t);
  const [row] = await prisma.$queryRaw<{ avail: number }[]>`
    WITH cur AS (
      SELECT key, least(${burst}::float8, coalesce(tokens, ${burst}::float8)
               + greatest(0, extract(epoch FROM ${t} - "updatedAt")) * ${perMinute}::float8 / 60) AS avail
      FROM "RateLimit" WHERE key = ${key} FOR UPDATE
    )
    UPDATE "RateLimit" r
    SET tokens = CASE WHEN cur.avail >= 1 THEN cur.avail - 1 ELSE cur.avail END, hits = NULL,
        "updatedAt" = greatest(r."updatedAt", ${t}), "expiresAt" = ${t} + ${ms((burst / perMinute) * 60_000)}
    FROM cur WHERE r.key = cur.key
    RETURNING cur.avail::float8 AS avail`;
  void sweepSometimes(prisma).catch(() => {});
  const avail = Number(row?.avail ?? burst);
  if (avail >= 1) return;
  const wait = Math.max(1, Math.ceil(((1 - avail) / perMinute) * 60));
  throw new HttpError(429, "rate_limited", `too many requests; retry in ${wait} s`, { "retry-after": String(wait) });
}

export type SlidingWindowAnswer = { ok: true } | { ok: false; retryAfterSeconds: number };

const answer = (ok: boolean, oldest: Date | null, nowMs: number, windowMs: number): SlidingWindowAnswer =>
  ok ? { ok: true } : { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(((oldest?.getTime() ?? nowMs) + windowMs - nowMs) / 1000)) };

/**
 * At most `limit` events per key in any trailing `windowMs` (a sliding-window log: the times of
 * the key's recent events, at most `limit` of them). Unlike a counter that resets after an idle
 * window, a steady trickle of attempts is admitted as soon as the oldest one leaves the window.
 */
export class SlidingWindowLimiter {
  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Counts an event for `key` if the window has room; else says when it will. */
  async take(prisma: PrismaClient, key: string, now?: Date): Promise<SlidingWindowAnswer> {
    const t = at(now);
    await ensureRow(prisma, key, t);
    const [row] = await prisma.$queryRaw<{ ok: boolean; oldest: Date | null; now: Date }[]>`
      WITH cur AS (
        SELECT key, array(SELECT h FROM unnest(coalesce(hits, ARRAY[]::timestamptz[])) h WHERE h > ${t} - ${ms(this.windowMs)} ORDER BY h) AS kept
        FROM "RateLimit" WHERE key = ${key} FOR UPDATE
      )
      UPDATE "RateLimit" r
      SET hits = CASE WHEN cardinality(cur.kept) < ${this.limit} THEN cur.kept || ${t} ELSE cur.kept END, tokens = NULL,
          "updatedAt" = ${t}, "expiresAt" = ${t} + ${ms(this.windowMs)}
      FROM cur WHERE r.key = cur.key
      RETURNING cardinality(cur.kept) < ${this.limit} AS ok, cur.kept[1] AS oldest, ${t} AS now`;
    void sweepSometimes(prisma).catch(() => {});
    if (!row) return { ok: true };
    return answer(row.ok, row.oldest, new Date(row.now).getTime(), this.windowMs);
  }

  /** Like take, without counting. */
  async peek(prisma: PrismaClient, key: string, now?: Date): Promise<SlidingWindowAnswer> {
    const t = at(now);
    const [row] = await prisma.$queryRaw<{ n: number; oldest: Date | null; now: Date }[]>`
      SELECT count(h)::int AS n, min(h) AS oldest, ${t} AS now
      FROM "RateLimit" r LEFT JOIN LATERAL unnest(coalesce(r.hits, ARRAY[]::timestamptz[])) h ON h > ${t} - ${ms(this.windowMs)}
      WHERE r.key = ${key}`;
    if (!row) return { ok: true };
    return answer(row.n < this.limit, row.oldest, new Date(row.now).getTime(), this.windowMs);
  }

  /** Forgets the key's events (e.g. an account's failures after a successful sign-in). */
  async clear(prisma: PrismaClient, key: string): Promise<void> {
    await prisma.$executeRaw`DELETE FROM "RateLimit" WHERE key = ${key}`;
  }
}
