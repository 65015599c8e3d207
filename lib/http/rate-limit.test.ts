import { describe, expect, it } from "vitest";
import { HttpError } from "./errors";
import { enforceRateLimit } from "./rate-limit";

describe("rate limit", () => {
  it("allows the burst, then answers 429 with Retry-After, per key", () => {
    const key = `k-${Math.random()}`;
    for (let i = 0; i < 3; i++) enforceRateLimit(key, 60, 3);
    let err: HttpError | null = null;
    try {
      enforceRateLimit(key, 60, 3);
    } catch (e) {
      err = e as HttpError;
    }
    expect(err?.status).toBe(429);
    expect(Number(err?.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(() => enforceRateLimit(`${key}-other`, 60, 3)).not.toThrow();
  });
});
