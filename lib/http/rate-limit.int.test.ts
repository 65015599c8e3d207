// The limits in the store: the same semantics the in-memory ones had, now shared by every instance.
import { afterAll, describe, expect, it } from "vitest";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { HttpError } from "./errors";
import { enforceRateLimit, SlidingWindowLimiter } from "./rate-limit";

const run = `${process.pid}-${Date.now().toString(36)}`;
// Ahead of the clock: the sweep (by the store's clock) never takes a row a test still counts on.
const T0 = Date.now() + 3_600_000;
const at = (ms: number) => new Date(T0 + ms);
afterAll(disconnectPrisma);

describe("rate limit (token bucket, in the store)", () => {
  it("allows the burst, then answers 429 with Retry-After, per key, and refills", async () => {
    const prisma = getPrisma();
    const key = `bucket-${run}`;
    for (let i = 0; i < 3; i++) await enforceRateLimit(prisma, key, 60, 3, at(0));
    const err = await enforceRateLimit(prisma, key, 60, 3, at(0)).catch((e: HttpError) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(429);
    expect(Number((err as HttpError).headers["retry-after"])).toBeGreaterThanOrEqual(1);
    await expect(enforceRateLimit(prisma, `${key}-other`, 60, 3, at(0))).resolves.toBeUndefined();
    // 60 a minute: one token a second.
    await expect(enforceRateLimit(prisma, key, 60, 3, at(1_000))).resolves.toBeUndefined();
    await expect(enforceRateLimit(prisma, key, 60, 3, at(1_100))).rejects.toThrow(/too many requests/);
  });

  it("counts parallel requests one after another: exactly the burst passes", async () => {
    const prisma = getPrisma();
    const key = `parallel-${run}`;
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => enforceRateLimit(prisma, key, 5, 5, at(0))));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(5);
  });
});

describe("sliding window (in the store)", () => {
  it("admits a steady trickle as the oldest attempt leaves the window, and says when", async () => {
    const prisma = getPrisma();
    const l = new SlidingWindowLimiter(10, 60_000);
    const k = `team-${run}`;
    // 10 attempts spread over 9 minutes' worth of 6 s steps would lock a fixed-reset counter out.
    for (let i = 0; i < 10; i++) expect((await l.take(prisma, k, at(i * 6_000))).ok).toBe(true);
    expect(await l.take(prisma, k, at(59_000))).toEqual({ ok: false, retryAfterSeconds: 1 });
    // At 60 s the first attempt (t=0) has left the window: one more fits, then it is full again.
    expect((await l.take(prisma, k, at(60_000))).ok).toBe(true);
    expect(await l.take(prisma, k, at(60_500))).toEqual({ ok: false, retryAfterSeconds: 6 });
    for (let t = 66_000; t < 200_000; t += 6_000) expect((await l.take(prisma, k, at(t))).ok).toBe(true);
  });

  it("keeps keys apart, peeks without counting, forgets a cleared key, and admits exactly the limit in parallel", async () => {
    const prisma = getPrisma();
    const l = new SlidingWindowLimiter(2, 1_000);
    const [a, b] = [`a-${run}`, `b-${run}`];
    await l.take(prisma, a, at(0));
    await l.take(prisma, a, at(1));
    expect((await l.peek(prisma, a, at(2))).ok).toBe(false);
    expect((await l.take(prisma, b, at(2))).ok).toBe(true);
    expect((await l.peek(prisma, b, at(3))).ok).toBe(true);
    expect((await l.peek(prisma, b, at(3))).ok).toBe(true);
    await l.clear(prisma, a);
    expect((await l.take(prisma, a, at(4))).ok).toBe(true);
    const many = await Promise.all(Array.from({ length: 10 }, () => new SlidingWindowLimiter(3, 60_000).take(prisma, `p-${run}`, at(0))));
    expect(many.filter((r) => r.ok)).toHaveLength(3);
  });
});
