import { advisoryObjectKey, decodeAdvisoryKey } from "./advisory-key";
import type { AdvisoryLockGroup, Backend, DescribedLock, TreeNode } from "./lock-model";
import type { LockRow } from "./lock-snapshot-sql";

/** What a pg_locks row locks, in words: relation names, tuples, transaction ids, decoded advisory keys. */
export function describeLock(r: LockRow): DescribedLock {
  const classid = r.classid === null ? null : Number(r.classid);
  const objid = r.objid === null ? null : Number(r.objid);
  let advisory: DescribedLock["advisory"] = null;
  let label: string;
  switch (r.locktype) {
    case "relation":
      label = `relation ${r.relation}`;
      break;
    case "tuple":
      label = `tuple (${r.page},${r.tuple}) of ${r.relation}`;
      break;
    case "page":
      label = `page ${r.page} of ${r.relation}`;
      break;
    case "extend":
      label = `extension of ${r.relation}`;
      break;
    case "transactionid":
      label = `transaction ${r.transactionid}`;
      break;
    case "virtualxid":
      label = `virtual transaction ${r.virtualxid}`;
      break;
    case "advisory": {
      const key = decodeAdvisoryKey(classid!, objid!, r.objsubid!);
      const database = Number(r.database);
      advisory = {
        ...key,
        target: { locktype: "advisory", database, classid: classid!, objid: objid!, objsubid: r.objsubid === 2 ? 2 : 1 },
        objectKey: advisoryObjectKey(database, classid!, objid!, r.objsubid!),
      };
      label = `advisory ${key.form === "bigint" ? "key" : "keys"} ${key.label}${r.datname ? ` in ${r.datname}` : ""}`;
      break;
    }
    default:
      label = `${r.locktype}${classid !== null ? ` ${classid}/${objid}/${r.objsubid}` : ""}`;
  }
  return {
    pid: r.pid,
    locktype: r.locktype,
    mode: r.mode,
    granted: r.granted,
    exclusive: r.mode.includes("Exclusive"),
    database: r.datname,
    label,
    waitMs: r.wait_ms === null ? null : Math.round(r.wait_ms),
    objectKey: advisory?.objectKey ?? null,
    advisory,
  };
}

/**
 * Root blockers first: a root blocks someone and waits for nobody. A waiter with two blockers
 * sits under both; cycles (a deadlock the server has not broken yet) stop at the first repeat.
 */
export function buildBlockingTree(backends: Pick<Backend, "pid" | "blockedBy" | "xactAgeMs">[]): TreeNode[] {
  const blockedBy = new Map(backends.map((b) => [b.pid, b.blockedBy]));
  const children = new Map<number, number[]>();
  for (const b of backends) {
    // pg_blocking_pids() also names waiters queued ahead for the same lock; when such a waiter
    // shares a blocker with this one, they are siblings under that blocker, not a chain.
    const direct = b.blockedBy.filter((x) => !(blockedBy.get(x) ?? []).some((y) => b.blockedBy.includes(y)));
    for (const blocker of direct) children.set(blocker, [...(children.get(blocker) ?? []), b.pid]);
  }
  const age = new Map(backends.map((b) => [b.pid, b.xactAgeMs ?? 0]));
  let roots = [...children.keys()].filter((pid) => (blockedBy.get(pid) ?? []).length === 0);
  // Only a cycle left (everyone waits): start from its oldest transaction.
  if (roots.length === 0 && children.size > 0) roots = [[...children.keys()].sort((a, b) => (age.get(b) ?? 0) - (age.get(a) ?? 0))[0]!];
  const grow = (pid: number, seen: Set<number>): TreeNode => ({
    pid,
    children: (children.get(pid) ?? []).filter((c) => !seen.has(c)).map((c) => grow(c, new Set([...seen, c]))),
  });
  const countAll = (n: TreeNode): number => n.children.reduce((s, c) => s + 1 + countAll(c), 0);
  return roots.map((r) => grow(r, new Set([r]))).sort((a, b) => countAll(b) - countAll(a) || (age.get(b.pid) ?? 0) - (age.get(a.pid) ?? 0));
}

/** Advisory lock objects with their holders and waiters, longest wait first. */
export function groupAdvisoryLocks(locks: DescribedLock[]): AdvisoryLockGroup[] {
  const groups = new Map<string, AdvisoryLockGroup>();
  for (const l of locks) {
    if (!l.advisory || l.pid === null) continue;
    const { target, objectKey, ...key } = l.advisory;
    let g = groups.get(objectKey);
    if (!g) groups.set(objectKey, (g = { objectKey, key, target, database: l.database, holders: [], waiters: [], longestWaitMs: null, stuck: null }));
    if (l.granted) g.holders.push({ pid: l.pid, mode: l.mode });
    else {
      g.waiters.push({ pid: l.pid, mode: l.mode, waitMs: l.waitMs });
      if (l.waitMs !== null) g.longestWaitMs = Math.max(g.longestWaitMs ?? 0, l.waitMs);
    }
  }
  return [...groups.values()].sort((a, b) => (b.longestWaitMs ?? -1) - (a.longestWaitMs ?? -1) || b.waiters.length - a.waiters.length);
}
