import { afterAll, describe, expect, inject, it } from "vitest";
import { closeMonitorPools } from "./monitor-pool";
import { getSharedLockSnapshot } from "./shared-snapshot";

const embeddedUrl = inject("embeddedUrl");
afterAll(closeMonitorPools);
const src = { id: 424242, name: "shared-snapshot-test", maskedUrl: null, config: {} };

describe("a burst of lock-page requests", () => {
  it("shares one snapshot read while it is under way, and reads afresh after it", async () => {
    // 300 at once is past what the monitor pool could serve one by one before its queue times out.
    const burst = await Promise.all(Array.from({ length: 300 }, () => getSharedLockSnapshot(src, embeddedUrl)));
    expect(new Set(burst).size).toBe(1);
    expect(burst[0]!.server.versionNum).toBeGreaterThan(0);
    const later = await getSharedLockSnapshot(src, embeddedUrl);
    expect(later).not.toBe(burst[0]);
    // Another cap is another read.
    const [a, b] = await Promise.all([getSharedLockSnapshot(src, embeddedUrl, { maxLocks: 5 }), getSharedLockSnapshot(src, embeddedUrl, { maxLocks: 6 })]);
    expect(a).not.toBe(b);
  });
});
