import { describe, expect, it } from "vitest";
import { encodeBigintKey, encodeInt4PairKey } from "./advisory-key";
import type { Backend } from "./lock-model";
import type { LockRow } from "./lock-snapshot-sql";
import { buildBlockingTree, describeLock, groupAdvisoryLocks } from "./lock-tree";
import { markStuckLocks } from "./stuck-locks";

const row = (over: Partial<LockRow>): LockRow => ({
  pid: 1,
  locktype: "advisory",
  mode: "ExclusiveLock",
  granted: true,
  fastpath: false,
  database: "5",
  datname: "app",
  relation: null,
  page: null,
  tuple: null,
  transactionid: null,
  virtualxid: null,
  classid: null,
  objid: null,
  objsubid: null,
  wait_ms: null,
  total: 1,
  ...over,
});
const adv = (pid: number, key: bigint, granted: boolean, wait_ms: number | null = null) => {
  const e = encodeBigintKey(key);
  return row({ pid, granted, wait_ms, classid: String(e.classid), objid: String(e.objid), objsubid: 1 });
};
const backend = (pid: number, over: Partial<Backend> = {}): Backend => ({
  pid,
  backendStart: "2026-01-01T00:00:00.000001+00:00",
  backendType: "client backend",
  database: "app",
  user: "app",
  application: "api",
  client: null,
  state: "active",
  waitEvent: null,
  xactAgeMs: 0,
  stateAgeMs: 0,
  queryAgeMs: 0,
  query: null,
  locksHeld: 1,
  locksWaiting: 0,
  advisoryHeld: 0,
  blockedBy: [],
  own: false,
  ...over,
});

describe("lock descriptions", () => {
  it("names relations, tuples, transactions and both advisory forms", () => {
    expect(describeLock(row({ locktype: "relation", mode: "AccessExclusiveLock", relation: "public.orders" })).label).toBe("relation public.orders");
    expect(describeLock(row({ locktype: "tuple", relation: "orders", page: 3, tuple: 7, mode: "ShareLock" }))).toMatchObject({
      label: "tuple (3,7) of orders",
      exclusive: false,
    });
    expect(describeLock(row({ locktype: "transactionid", transactionid: "7781" })).label).toBe("transaction 7781");
    expect(describeLock(adv(1, -5n, true)).label).toBe("advisory key -5 in app");
    const pair = encodeInt4PairKey(12, -1);
    const d = describeLock(row({ classid: String(pair.classid), objid: String(pair.objid), objsubid: 2, mode: "ShareLock" }));
    expect(d.label).toBe("advisory keys (12, -1) in app");
    expect(d.exclusive).toBe(false);
    expect(d.advisory?.target).toEqual({ locktype: "advisory", database: 5, classid: 12, objid: 4294967295, objsubid: 2 });
  });
});

describe("blocking tree", () => {
  it("puts root blockers first, nests chains and survives a cycle", () => {
    const tree = buildBlockingTree([
      { pid: 10, blockedBy: [], xactAgeMs: 5 },
      { pid: 11, blockedBy: [10], xactAgeMs: 1 },
      { pid: 12, blockedBy: [11], xactAgeMs: 1 },
      { pid: 20, blockedBy: [], xactAgeMs: 9 },
      { pid: 21, blockedBy: [20], xactAgeMs: 1 },
      { pid: 30, blockedBy: [], xactAgeMs: 99 },
    ]);
    expect(tree).toEqual([
      { pid: 10, children: [{ pid: 11, children: [{ pid: 12, children: [] }] }] },
      { pid: 20, children: [{ pid: 21, children: [] }] },
    ]);
    // Two waiters queued for one lock: the second is reported blocked by the holder and by the first.
    expect(
      buildBlockingTree([
        { pid: 1, blockedBy: [], xactAgeMs: 1 },
        { pid: 2, blockedBy: [1], xactAgeMs: 1 },
        { pid: 3, blockedBy: [1, 2], xactAgeMs: 1 },
      ]),
    ).toEqual([
      {
        pid: 1,
        children: [
          { pid: 2, children: [] },
          { pid: 3, children: [] },
        ],
      },
    ]);
    const cycle = buildBlockingTree([
      { pid: 1, blockedBy: [2], xactAgeMs: 1 },
      { pid: 2, blockedBy: [1], xactAgeMs: 5 },
    ]);
    expect(cycle).toEqual([{ pid: 2, children: [{ pid: 1, children: [] }] }]);
  });
});

describe("stuck advisory locks", () => {
  const groups = () => groupAdvisoryLocks([adv(1, 42n, true), adv(2, 42n, false, 500), adv(3, 42n, false, 1500), adv(4, 7n, true)].map(describeLock));

  it("groups holders and waiters per key, longest wait first", () => {
    const g = groups();
    expect(g.map((x) => x.key.label)).toEqual(["42", "7"]);
    expect(g[0]).toMatchObject({ holders: [{ pid: 1 }], waiters: [{ pid: 2 }, { pid: 3 }], longestWaitMs: 1500 });
  });

  it("flags an idle holder past the threshold, or a wait past it, and nothing else", () => {
    const idle = new Map([
      [1, backend(1, { state: "idle in transaction", stateAgeMs: 3000 })],
      [4, backend(4, { state: "active", stateAgeMs: 9000 })],
    ]);
    const marked = markStuckLocks(groups(), idle, 2000);
    expect(marked[0]!.stuck?.reason).toContain("holder 1 is idle in transaction");
    expect(marked[1]!.stuck).toBeNull();
    const busy = new Map([[1, backend(1, { state: "active", stateAgeMs: 3000 })]]);
    expect(markStuckLocks(groups(), busy, 2000)[0]!.stuck).toBeNull();
    expect(markStuckLocks(groups(), busy, 1000)[0]!.stuck?.reason).toBe("2 waiters, longest 2s");
  });
});
