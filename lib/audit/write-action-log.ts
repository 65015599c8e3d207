import "server-only";
import type { Prisma, PrismaClient } from "../store/generated/client";
import type { AuditAction } from "./action-names";

export type ActionOutcome = string;

export type ActionLogEntry = {
  actor: string;
  action: AuditAction;
  sourceId?: number | null;
  target: Record<string, unknown>;
  reason?: string | null;
  before?: unknown;
  outcome: ActionOutcome;
  detail?: Record<string, unknown>;
};

/**
 * The client of the transaction that makes the change. A PrismaClient is accepted too, for the
 * one path that cannot share a transaction with its change: an action on another server (lock
 * actions, replayed writes), audited once its outcome is known.
 */
export type AuditClient = Prisma.TransactionClient | PrismaClient;

// BigInt (pids from pg, counters) is not JSON; keep such values as strings rather than failing the audit write.
const jsonSafe = (v: unknown) => JSON.parse(JSON.stringify(v ?? null, (_k, x) => (typeof x === "bigint" ? x.toString() : x)));

const toRow = (entry: ActionLogEntry) => ({
  actor: entry.actor,
  action: entry.action,
  sourceId: entry.sourceId ?? null,
  target: jsonSafe(entry.target),
  reason: entry.reason ?? null,
  before: entry.before === undefined ? undefined : jsonSafe(entry.before),
  outcome: entry.outcome,
  detail: jsonSafe(entry.detail ?? {}),
});

/**
 * Append-only: the app has no update or delete path for ActionLog rows. Pass the `tx` of the
 * change's `prisma.$transaction(async (tx) => …)`: if this insert fails, the change rolls back.
 */
export async function writeActionLog(db: AuditClient, entry: ActionLogEntry): Promise<{ id: number }> {
  return db.actionLog.create({ data: toRow(entry), select: { id: true } });
}

/** Several rows in one statement (a bulk change: one row per thing changed). */
export async function writeActionLogs(db: AuditClient, entries: ActionLogEntry[]): Promise<number> {
  if (entries.length === 0) return 0;
  return (await db.actionLog.createMany({ data: entries.map(toRow) })).count;
}
