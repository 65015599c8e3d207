import { describe, expect, it } from "vitest";
import { type FleetLoads, planShare } from "./fair-share";

const loads = (held: Record<string, Record<string, number>>): FleetLoads => ({
  alive: Object.keys(held),
  held: new Map(Object.entries(held).map(([id, jobs]) => [id, new Map(Object.entries(jobs))])),
});
const base = { me: "A", job: "lock", pollMs: 500 };

describe("fair share of a job's leases", () => {
  it("takes free leases up to ceil(subjects / instances), never more while others have room", () => {
    const free = new Map([
      ["lock:1", 0],
      ["lock:2", 0],
      ["lock:3", 0],
    ]);
    const p = planShare({ ...base, subjects: 3, mine: [], sheddable: [], free, loads: loads({ A: {}, B: {}, C: {} }) });
    expect(p.release).toEqual([]);
    expect(p.take).toHaveLength(1);
  });

  it("hands back the surplus when instances joined", () => {
    const mine = ["lock:1", "lock:2", "lock:3", "lock:4"];
    const p = planShare({ ...base, subjects: 4, mine, sheddable: mine, free: new Map(), loads: loads({ A: { lock: 4 }, B: {} }) });
    expect(p.release).toHaveLength(2);
    expect(p.take).toEqual([]);
  });

  it("keeps leases just taken over (not sheddable) even past the share", () => {
    const mine = ["lock:1", "lock:2"];
    const p = planShare({ ...base, subjects: 2, mine, sheddable: [], free: new Map(), loads: loads({ A: { lock: 2 }, B: { lock: 0 } }) });
    expect(p.release).toEqual([]);
  });

  it("spreads single-subject jobs: the busier instance hands one back to an idle one with room", () => {
    const p = planShare({
      ...base,
      job: "tail",
      subjects: 1,
      mine: ["tail:s"],
      sheddable: ["tail:s"],
      free: new Map(),
      loads: loads({ A: { lock: 1, retry: 1, tail: 1 }, B: { lock: 1 } }),
    });
    expect(p.release).toEqual(["tail:s"]);
    // One lease apart is balanced enough: nothing moves.
    const q = planShare({
      ...base,
      job: "tail",
      subjects: 1,
      mine: ["tail:s"],
      sheddable: ["tail:s"],
      free: new Map(),
      loads: loads({ A: { lock: 1, tail: 1 }, B: { lock: 1 } }),
    });
    expect(q.release).toEqual([]);
  });

  it("lets the less loaded instance pick a free lease first, and anyone take one left free for two polls", () => {
    const p = planShare({
      ...base,
      job: "retry",
      subjects: 1,
      mine: [],
      sheddable: [],
      free: new Map([["retry:q", 100]]),
      loads: loads({ A: { lock: 2 }, B: { lock: 1 } }),
    });
    expect(p.take).toEqual([]);
    const later = planShare({
      ...base,
      job: "retry",
      subjects: 1,
      mine: [],
      sheddable: [],
      free: new Map([["retry:q", 700]]),
      loads: loads({ A: { lock: 2 }, B: { lock: 1 } }),
    });
    expect(later.take).toEqual(["retry:q"]);
    // A dead instance still counted alive: the survivors are at their share, the lease lapsed two polls ago.
    const dead = planShare({
      ...base,
      subjects: 3,
      mine: ["lock:1"],
      sheddable: ["lock:1"],
      free: new Map([["lock:3", 1_200]]),
      loads: loads({ A: { lock: 1 }, B: { lock: 1 }, C: {} }),
    });
    expect(dead.take).toEqual(["lock:3"]);
  });
});
