import "server-only";
import { writeActionLogs } from "../audit/write-action-log";
import type { Actor } from "../auth/roles";
import type { PrismaClient } from "../store/generated/client";
import type { IncidentStatus } from "./incident-query";

export type StatusChange = { id: number; from: string; to: IncidentStatus; changed: boolean };

/**
 * Sets the status of one or many incidents as the signed-in actor, one ActionLog row per incident
 * (the before state included) in the same transaction. Resolving clears the regression mark: if
 * the incident comes back, ingestion reopens it and marks it again.
 */
export async function changeIncidentStatus(
  prisma: PrismaClient,
  actor: Pick<Actor, "name">,
  input: { ids: number[]; status: IncidentStatus; reason?: string },
): Promise<{ changes: StatusChange[]; missing: number[] }> {
  const ids = [...new Set(input.ids)];
  return prisma.$transaction(async (tx) => {
    const before = await tx.$queryRaw<{ id: number; status: string; regression: boolean; sourceId: number | null; title: string }[]>`
      SELECT id, status, regression, "sourceId", title FROM "Incident" WHERE id = ANY(${ids}::int[]) ORDER BY id FOR UPDATE`;
    const now = new Date();
    const changes: StatusChange[] = [];
    for (const b of before) {
      const changed = b.status !== input.status;
      if (changed) {
        await tx.incident.update({
          where: { id: b.id },
          data: { status: input.status, statusChangedBy: actor.name, statusChangedAt: now, ...(input.status === "resolved" ? { regression: false } : {}) },
        });
      }
      changes.push({ id: b.id, from: b.status, to: input.status, changed });
    }
    await writeActionLogs(
      tx,
      before.map((b) => ({
        actor: actor.name,
        action: "incident.status",
        sourceId: b.sourceId,
        target: { incidentId: b.id, title: b.title },
        reason: input.reason ?? null,
        before: { status: b.status, regression: b.regression },
        outcome: b.status === input.status ? `already ${input.status}` : input.status,
        detail: ids.length > 1 ? { bulk: ids.length } : {},
      })),
    );
    const found = new Set(before.map((b) => b.id));
    return { changes, missing: ids.filter((id) => !found.has(id)) };
  });
}
