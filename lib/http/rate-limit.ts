import "server-only";
import { HttpError } from "./errors";

type Bucket = { tokens: number; updated: number };
const globalForBuckets = globalThis as unknown as { lockboardRateBuckets?: Map<string, Bucket> };
const buckets = (globalForBuckets.lockboardRateBuckets ??= new Map());

/**
 * Token bucket per key (one process, in memory): `perMinute` requests a minute on average with
 * bursts up to `burst`. Over the limit: 429 with Retry-After.
 */
export function enforceRateLimit(key: string, perMinute: number, burst = perMinute): void {
  const now = Date.now();
  const b = buckets.get(key) ?? { tokens: burst, updated: now };
  b.tokens = Math.min(burst, b.tokens + ((now - b.updated) / 60_000) * perMinute);
  b.updated = now;
  if (b.tokens < 1) {
    buckets.set(key, b);
    const wait = Math.ceil(((1 - b.tokens) / perMinute) * 60);
    throw new HttpError(429, "rate_limited", `too many requests; retry in ${wait} s`, { "retry-after": String(wait) });
  }
  b.tokens -= 1;
  buckets.set(key, b);
  if (buckets.size > 10_000) buckets.delete(buckets.keys().next().value!);
}
