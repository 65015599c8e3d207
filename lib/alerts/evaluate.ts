import "server-only";
import type { Prisma, PrismaClient } from "../store/generated/client";
import { AlertFilterSchema, type AlertTrigger, type DestinationType } from "./alert-schemas";
import { TRIGGER_FINDERS, type RuleToEvaluate } from "./conditions";
import { renderBody, type AlertCondition, type AlertEvent, type AlertMessage } from "./payloads";

type Tx = Prisma.TransactionClient;
type Destination = { id: number; name: string; type: string };
type StateRow = { subject: string; firing: boolean; lastNotifiedAt: Date; notifiedCount: number; episodes: number; snapshot: unknown };

const EVALUATOR = "alerts";
/** Longer than any event writer's transaction: its incidents are still found by the next pass. */
const WRITER_MARGIN_MS = 10 * 60_000;

export type EvaluateResult = { ran: boolean; enqueued: number };

/**
 * One pass over every active rule, in one transaction that also holds the evaluator's row lock
 * (so two instances take turns, the second skipping): each rule's conditions are compared with
 * what it last said (AlertState), and the messages that follow (trigger, reminder, resolve) are
 * written to the outbox (AlertDelivery) in the same transaction as the state that records them.
 * Either both commit or neither does: a crash between the two cannot lose or repeat a message.
 */
export async function evaluateAlerts(prisma: PrismaClient, now: Date = new Date()): Promise<EvaluateResult> {
  await prisma.alertEvaluator.upsert({ where: { name: EVALUATOR }, create: { name: EVALUATOR }, update: {} });
  return prisma.$transaction(
    async (tx) => {
      const locked = await tx.$queryRaw<
        { lastRunAt: Date | null }[]
      >`SELECT "lastRunAt" FROM "AlertEvaluator" WHERE name = ${EVALUATOR} FOR UPDATE SKIP LOCKED`;
      if (locked.length === 0) return { ran: false, enqueued: 0 };
      const lastRunAt = locked[0]!.lastRunAt;
      const createdFloor = lastRunAt ? new Date(lastRunAt.getTime() - WRITER_MARGIN_MS) : null;
      const rules = await tx.alertRule.findMany({
        where: { paused: false },
        include: { destinations: { include: { destination: { select: { id: true, name: true, type: true } } } } },
      });
      let enqueued = 0;
      for (const r of rules) {
        const dests = r.destinations.map((d) => d.destination);
        const rule: RuleToEvaluate = { ...r, filter: AlertFilterSchema.parse(r.filter ?? {}), createdFloor };
        enqueued += await evaluateRule(tx, rule, dests, now);
      }
      // The store's clock, not `now` (a test's simulated one): it is compared with createdAt, set by the store.
      await tx.$executeRaw`UPDATE "AlertEvaluator" SET "lastRunAt" = now() WHERE name = ${EVALUATOR}`;
      return { ran: true, enqueued };
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}

async function evaluateRule(tx: Tx, rule: RuleToEvaluate, dests: Destination[], now: Date): Promise<number> {
  const finder = TRIGGER_FINDERS[rule.trigger as AlertTrigger];
  if (!finder) return 0;
  const states = await tx.$queryRaw<StateRow[]>`
    SELECT subject, firing, "lastNotifiedAt", "notifiedCount", episodes, snapshot FROM "AlertState" WHERE "ruleId" = ${rule.id} AND firing`;
  const firing = new Map(states.map((s) => [s.subject, s]));
  const { fresh, current } = await finder.find(tx, rule, now, [...firing.keys()]);
  const currentBy = new Map(current.map((c) => [c.subject, c]));
  const out: { event: AlertEvent; c: AlertCondition; episode: number; seq: number; reason?: string }[] = [];

  for (const c of fresh) {
    if (firing.has(c.subject)) continue;
    const [st] = await tx.$queryRaw<{ episodes: number }[]>`
      INSERT INTO "AlertState" ("ruleId", subject, firing, "openedAt", "lastNotifiedAt", "notifiedCount", episodes, snapshot)
      VALUES (${rule.id}, ${c.subject}, ${!finder.oneShot}, ${now}, ${now}, ${c.count}, 1, ${JSON.stringify(c)}::jsonb)
      ON CONFLICT ("ruleId", subject) DO UPDATE SET firing = EXCLUDED.firing, "openedAt" = EXCLUDED."openedAt", "lastNotifiedAt" = EXCLUDED."lastNotifiedAt",
        "notifiedCount" = EXCLUDED."notifiedCount", episodes = "AlertState".episodes + 1, snapshot = EXCLUDED.snapshot
      RETURNING episodes`;
    out.push({ event: "trigger", c, episode: st!.episodes, seq: 0 });
  }

  for (const [subject, st] of firing) {
    const c = currentBy.get(subject);
    if (!c) {
      const last = { ...(st.snapshot as AlertCondition), status: "resolved" };
      await tx.alertState.update({ where: { ruleId_subject: { ruleId: rule.id, subject } }, data: { firing: false, lastNotifiedAt: now } });
      out.push({
        event: "resolve",
        c: last,
        episode: st.episodes,
        seq: 0,
        reason: finder.level ? "the condition cleared" : "the incident is resolved or muted",
      });
      continue;
    }
    const due = rule.reminderMinutes > 0 && now.getTime() - st.lastNotifiedAt.getTime() >= rule.reminderMinutes * 60_000;
    // An incident reminds only while it keeps happening; a level condition, while it lasts.
    const ongoing = c.incidentId === undefined || finder.level || c.count > st.notifiedCount;
    if (!due || !ongoing || c.quiet) continue;
    // Its moment names a reminder: unique within the episode, the same on every retry of its row.
    const seq = now.getTime();
    await tx.alertState.update({
      where: { ruleId_subject: { ruleId: rule.id, subject } },
      data: { lastNotifiedAt: now, notifiedCount: c.count, snapshot: c as unknown as Prisma.InputJsonValue },
    });
    out.push({ event: "reminder", c, episode: st.episodes, seq, reason: `still happening: ${c.count - st.notifiedCount} more since the last message` });
  }

  const rows = out.flatMap((m) =>
    dests.map((d) => {
      const idempotencyKey = `lb-${rule.id}-${d.id}-${m.c.subject}-e${m.episode}-${m.event}${m.seq ? `-${m.seq}` : ""}`;
      const message: AlertMessage = {
        event: m.event,
        idempotencyKey,
        rule: { id: rule.id, name: rule.name, trigger: rule.trigger },
        condition: m.c,
        at: now.toISOString(),
        reason: m.reason,
      };
      return {
        ruleId: rule.id,
        destinationId: d.id,
        ruleName: rule.name,
        destinationName: d.name,
        subject: m.c.subject,
        event: m.event,
        idempotencyKey,
        body: renderBody(d.type as DestinationType, message) as Prisma.InputJsonValue,
        nextAttemptAt: now,
        createdAt: now,
      };
    }),
  );
  if (rows.length) await tx.alertDelivery.createMany({ data: rows, skipDuplicates: true });
  return rows.length;
}
