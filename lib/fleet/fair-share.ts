import "server-only";

/** Live leases per instance and job, and the instances running jobs whose heartbeat is fresh. */
export type FleetLoads = { alive: string[]; held: Map<string, Map<string, number>> };

export type SharePlan = { release: string[]; take: string[] };

const shuffled = <T>(a: T[]) =>
  a
    .map((v) => [Math.random(), v] as const)
    .sort((x, y) => x[0] - y[0])
    .map(([, v]) => v);

/**
 * Which leases of one job this instance hands back or takes now. Each job's subjects are split
 * into fair shares of the live instances (at most ceil(subjects / instances) each); across jobs
 * the instance with fewer leases in all gets the first pick of a free one (the others wait a
 * poll), and an instance holding two or more leases more than another that has room in this job
 * hands one back, so single-subject jobs spread over the fleet too. A lease nobody took for two
 * polls is taken by anyone, share or not: its holder died and the rest may still count it.
 */
export function planShare(p: {
  me: string;
  job: string;
  subjects: number;
  mine: string[];
  /** Of `mine`, those held long enough to be given up (not just taken over from a dead instance). */
  sheddable: string[];
  /** Free lease names → how long they have been free (0: never taken). */
  free: Map<string, number>;
  pollMs: number;
  loads: FleetLoads;
}): SharePlan {
  const alive = [...new Set([...p.loads.alive, p.me])];
  const fair = Math.ceil(p.subjects / alive.length);
  const jobHeld = (x: string) => (x === p.me ? p.mine.length : (p.loads.held.get(x)?.get(p.job) ?? 0));
  const total = (x: string) => [...(p.loads.held.get(x) ?? new Map<string, number>())].reduce((n, [job, c]) => n + (job === p.job ? 0 : c), 0) + jobHeld(x);
  const others = alive.filter((x) => x !== p.me);
  if (p.mine.length > fair) return { release: shuffled(p.sheddable).slice(0, p.mine.length - fair), take: [] };
  const receivers = others.filter((x) => total(x) <= total(p.me) - 2 && jobHeld(x) < fair);
  if (receivers.length && p.sheddable.length) return { release: shuffled(p.sheddable).slice(0, 1), take: [] };
  const firstPick = others.some((x) => total(x) < total(p.me) && jobHeld(x) < fair);
  const eligible = [...p.free].filter(([, ms]) => !firstPick || ms > p.pollMs).map(([n]) => n);
  const room = shuffled(eligible).slice(0, Math.max(0, fair - p.mine.length));
  const overdue = [...p.free].filter(([n, ms]) => ms > 2 * p.pollMs && !room.includes(n)).map(([n]) => n);
  return { release: [], take: [...room, ...overdue] };
}
