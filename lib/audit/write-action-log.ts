import "server-only";
import type { PrismaClient } from "../store/generated/client";

export type ActionOutcome = string;

export type ActionLogEntry = {
  actor: string;
  action: string;
  sourceId?: number | null;
  target: Record<string, unknown>;
  reason?: string | null;
  before?: unknown;
  outcome: ActionOutcome;
  detail?: Record<string, unknown>;
};

// BigInt (pids from pg, counters) is not JSON; keep such values as strings rather than failing the audit write.
const jsonSafe = (v: unknown) => JSON.parse(JSON.stringify(v ?? null, (_k, x) => (typeof x === "bigint" ? x.toString() : x)));

/** Append-only: the app has no update or delete path for ActionLog rows. */
export async function writeActionLog(prisma: PrismaClient, entry: ActionLogEntry): Promise<{ id: number }> {
  const row = await prisma.actionLog.create({
    data: {
      actor: entry.actor,
      action: entry.action,
      sourceId: entry.sourceId ?? null,
      target: jsonSafe(entry.target),
      reason: entry.reason ?? null,
      before: entry.before === undefined ? undefined : jsonSafe(entry.before),
      outcome: entry.outcome,
      detail: jsonSafe(entry.detail ?? {}),
    },
    select: { id: true },
  });
  return row;
}
