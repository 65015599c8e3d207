import "server-only";
import type { MongoClient } from "mongodb";

export type MongoConnections = {
  current: number;
  available: number;
  totalCreated: number;
  active: number | null;
  limit: number;
  saturation: number;
  ops: { count: number; longestMs: number; waitingForLock: number; longest: { op: string; ns: string; ms: number } | null };
};

type ServerStatusConnections = { current: number; available: number; totalCreated: number; active?: number };
type CurrentOpEntry = {
  op?: string;
  ns?: string;
  microsecs_running?: number | { toNumber(): number };
  secs_running?: number;
  waitingForLock?: boolean;
  command?: Record<string, unknown>;
};

const toNumber = (v: unknown): number =>
  typeof v === "number" ? v : v && typeof v === "object" && "toNumber" in v ? (v as { toNumber(): number }).toNumber() : Number(v ?? 0);

/**
 * `serverStatus().connections` (the limit is current + available, which mongod derives from
 * net.maxIncomingConnections and the fd limit) and in-flight operations from `currentOp`.
 */
export async function getMongoConnections(client: MongoClient): Promise<MongoConnections> {
  const admin = client.db("admin");
  const [status, current] = await Promise.all([
    admin.command({ serverStatus: 1, repl: 0, metrics: 0, locks: 0, wiredTiger: 0 }),
    admin.command({ currentOp: 1, active: true }),
  ]);
  const c = status.connections as ServerStatusConnections;
  const inprog = ((current.inprog ?? []) as CurrentOpEntry[]).filter((op) => !(op.command && "currentOp" in op.command));
  let longest: MongoConnections["ops"]["longest"] = null;
  for (const op of inprog) {
    const ms = op.microsecs_running !== undefined ? toNumber(op.microsecs_running) / 1000 : toNumber(op.secs_running) * 1000;
    if (!longest || ms > longest.ms) longest = { op: op.op ?? "?", ns: op.ns ?? "", ms };
  }
  const limit = toNumber(c.current) + toNumber(c.available);
  return {
    current: toNumber(c.current),
    available: toNumber(c.available),
    totalCreated: toNumber(c.totalCreated),
    active: c.active === undefined ? null : toNumber(c.active),
    limit,
    saturation: limit > 0 ? toNumber(c.current) / limit : 0,
    ops: { count: inprog.length, longestMs: longest?.ms ?? 0, waitingForLock: inprog.filter((o) => o.waitingForLock).length, longest },
  };
}
