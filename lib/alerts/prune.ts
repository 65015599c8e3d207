import "server-only";
import type { PrismaClient } from "../store/generated/client";

/** LOCKBOARD_ALERTS_RETENTION_DAYS (default 30): how long finished deliveries and quiet states are kept. */
export function alertsRetentionDays(env: Record<string, string | undefined> = process.env): number {
  const v = Number(env.LOCKBOARD_ALERTS_RETENTION_DAYS);
  return Number.isFinite(v) && v > 0 ? v : 30;
}

/**
 * Deletes deliveries that are done (delivered or failed) and states that stopped firing, older
 * than the retention. A message still waiting is never deleted; a quiet state that old belongs to
 * a subject no pass looks at any more (the evaluator scans incidents created since its last pass).
 */
export async function pruneAlerts(prisma: PrismaClient, now: Date, days = alertsRetentionDays()): Promise<{ deliveries: number; states: number }> {
  const before = new Date(now.getTime() - days * 86_400_000);
  const deliveries = await prisma.alertDelivery.deleteMany({ where: { status: { in: ["delivered", "failed"] }, createdAt: { lt: before } } });
  const states = await prisma.alertState.deleteMany({ where: { firing: false, lastNotifiedAt: { lt: before } } });
  return { deliveries: deliveries.count, states: states.count };
}
