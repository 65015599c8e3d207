import "server-only";
import { writeActionLog } from "../audit/write-action-log";
import { HttpError } from "../http/errors";
import type { AlertRule, Prisma, PrismaClient } from "../store/generated/client";
import { AlertRuleInputSchema, type AlertFilter, type AlertRuleInput, type AlertRuleValues, type AlertTrigger } from "./alert-schemas";

export type PublicRule = {
  id: number;
  name: string;
  trigger: AlertTrigger;
  params: Record<string, unknown>;
  filter: AlertFilter;
  destinations: string[];
  reminderMinutes: number;
  paused: boolean;
  origin: string;
  createdAt: string;
  updatedAt: string;
};

type RuleWithDestinations = AlertRule & { destinations: { destination: { name: string } }[] };
const withDestinations = { destinations: { select: { destination: { select: { name: true } } } } } as const;

export function toPublicRule(r: RuleWithDestinations): PublicRule {
  const f = (r.filter ?? {}) as Partial<AlertFilter>;
  return {
    id: r.id,
    name: r.name,
    trigger: r.trigger as AlertTrigger,
    params: (r.params ?? {}) as Record<string, unknown>,
    filter: { kinds: f.kinds ?? [], sources: f.sources ?? [], severities: f.severities ?? [] },
    destinations: r.destinations.map((d) => d.destination.name).sort(),
    reminderMinutes: r.reminderMinutes,
    paused: r.paused,
    origin: r.origin,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

const auditView = (r: PublicRule) => ({
  name: r.name,
  trigger: r.trigger,
  params: r.params,
  filter: r.filter,
  destinations: r.destinations,
  reminderMinutes: r.reminderMinutes,
  paused: r.paused,
});

type Tx = Prisma.TransactionClient;

/** Creates (`id` absent) or replaces a rule, with its audit row, in one transaction. */
export async function saveRule(prisma: PrismaClient, actor: string, raw: AlertRuleInput, id?: number, origin = "settings"): Promise<PublicRule> {
  const input = AlertRuleInputSchema.parse(raw);
  return prisma.$transaction((tx) => writeRule(tx, actor, input, id, origin));
}

export async function writeRule(tx: Tx, actor: string, input: AlertRuleValues, id: number | undefined, origin: string): Promise<PublicRule> {
  const old = await tx.alertRule.findUnique({ where: id !== undefined ? { id } : { name: input.name }, include: withDestinations });
  if (id !== undefined && !old) throw new HttpError(404, "not_found", `no alert rule ${id}`);
  if (id === undefined && old && origin === "settings") throw new HttpError(409, "conflict", `an alert rule named "${input.name}" exists already`);
  if (old && old.name !== input.name && (await tx.alertRule.findUnique({ where: { name: input.name } })))
    throw new HttpError(409, "conflict", `an alert rule named "${input.name}" exists already`);
  const dests = await tx.alertDestination.findMany({ where: { name: { in: input.destinations } }, select: { id: true, name: true } });
  const missing = input.destinations.filter((n) => !dests.some((d) => d.name === n));
  if (missing.length)
    throw new HttpError(400, "bad_request", `invalid field "destinations": no destination named ${missing.map((m) => JSON.stringify(m)).join(", ")}`);
  const before = old ? toPublicRule(old) : null;
  const data = {
    name: input.name,
    trigger: input.trigger,
    params: input.params as Prisma.InputJsonValue,
    filter: input.filter as Prisma.InputJsonValue,
    reminderMinutes: input.reminderMinutes,
    paused: input.paused,
    origin,
  };
  if (
    before &&
    origin !== "settings" &&
    JSON.stringify(auditView(before)) === JSON.stringify(auditView({ ...before, ...input, destinations: [...input.destinations].sort() }))
  )
    return before;
  // Resumed: what happened while paused stays unsaid.
  const resumed = old?.paused && !input.paused ? { activeSince: new Date() } : {};
  const row = old ? await tx.alertRule.update({ where: { id: old.id }, data: { ...data, ...resumed } }) : await tx.alertRule.create({ data });
  await tx.alertRuleDestination.deleteMany({ where: { ruleId: row.id } });
  await tx.alertRuleDestination.createMany({ data: dests.map((d) => ({ ruleId: row.id, destinationId: d.id })) });
  // A changed trigger or filter starts afresh: what the rule said before no longer describes it.
  if (old && (old.trigger !== input.trigger || JSON.stringify(old.params) !== JSON.stringify(input.params)))
    await tx.alertState.deleteMany({ where: { ruleId: row.id } });
  const saved = toPublicRule((await tx.alertRule.findUnique({ where: { id: row.id }, include: withDestinations }))!);
  const verb = old
    ? before && before.paused !== saved.paused && JSON.stringify({ ...auditView(before), paused: saved.paused }) === JSON.stringify(auditView(saved))
      ? saved.paused
        ? "paused"
        : "resumed"
      : "updated"
    : "created";
  await writeActionLog(tx, {
    actor,
    action: old ? "alert_rule.update" : "alert_rule.create",
    target: { ruleId: row.id, ...auditView(saved) },
    before: before ? auditView(before) : undefined,
    outcome: verb,
  });
  return saved;
}

export async function deleteRule(prisma: PrismaClient, actor: string, id: number): Promise<{ deleted: boolean }> {
  return prisma.$transaction(async (tx) => {
    const old = await tx.alertRule.findUnique({ where: { id }, include: withDestinations });
    if (!old) throw new HttpError(404, "not_found", `no alert rule ${id}`);
    await tx.alertRule.delete({ where: { id } });
    await writeActionLog(tx, { actor, action: "alert_rule.delete", target: { ruleId: id, ...auditView(toPublicRule(old)) }, outcome: "deleted" });
    return { deleted: true };
  });
}

export async function listRules(prisma: PrismaClient | Tx): Promise<PublicRule[]> {
  return (await prisma.alertRule.findMany({ orderBy: { name: "asc" }, include: withDestinations })).map(toPublicRule);
}
