// Tests only: a source of incidents, a webhook rule to a local receiver, and the evaluator and
// sender driven with a simulated clock.
import { randomBytes } from "node:crypto";
import { ingestNdjson } from "../ingest/push-ingest";
import type { PrismaClient } from "../store/generated/client";
import type { AlertRuleInput, AlertDestinationInput } from "./alert-schemas";
import { deliverDue } from "./deliver";
import { saveDestination } from "./destinations";
import { evaluateAlerts } from "./evaluate";
import { saveRule } from "./rules";

export const ADMIN = "admin@alerts.test";

export function makeKit(prisma: PrismaClient) {
  const tag = `al${randomBytes(4).toString("hex")}`;
  const source = `${tag}-app`;
  let t = Date.now() + 1_000;
  const made = { rules: [] as number[], destinations: [] as number[] };
  const kit = {
    tag,
    source,
    now: () => new Date(t),
    advance: (ms: number) => (t += ms),
    /** `n` duplicate-key events on one incident (`which` picks the collection, so the incident). */
    async events(n: number, which = "a") {
      const lines = Array.from({ length: n }, (_, i) =>
        JSON.stringify({
          time: new Date(Date.now() - 1000 + (i % 1000)).toISOString(),
          level: "error",
          msg: `E11000 duplicate key error collection: chat.${which}_${tag} index: k_1 dup key: { k: "${tag}-${i}" }`,
        }),
      );
      await ingestNdjson(prisma, source, Buffer.from(lines.join("\n")));
      return prisma.incident.findFirstOrThrow({ where: { title: { contains: `${which}_${tag}` } }, orderBy: { id: "desc" } });
    },
    async destination(input: Partial<AlertDestinationInput> & { url: string }) {
      const d = await saveDestination(prisma, ADMIN, { name: `${tag}-${made.destinations.length}`, type: "webhook", ...input });
      made.destinations.push(d.id);
      return d;
    },
    async rule(input: Partial<AlertRuleInput> & { destinations: string[] }) {
      const r = await saveRule(prisma, ADMIN, {
        name: `${tag}-rule-${made.rules.length}`,
        trigger: "new_incident",
        filter: { sources: [source] },
        reminderMinutes: 0,
        ...input,
      } as AlertRuleInput);
      made.rules.push(r.id);
      return r;
    },
    /** One job pass at the simulated time: evaluate, then send what is due (random fixed: no jitter surprises). */
    async pass() {
      await evaluateAlerts(prisma, kit.now());
      await deliverDue(prisma, { now: kit.now, random: () => 0.5, timeoutMs: 3_000 });
    },
    deliveries: () => prisma.alertDelivery.findMany({ where: { ruleId: { in: made.rules } }, orderBy: { id: "asc" } }),
    async cleanup() {
      await prisma.alertDelivery.deleteMany({ where: { OR: [{ ruleId: { in: made.rules } }, { destinationId: { in: made.destinations } }] } });
      await prisma.alertRule.deleteMany({ where: { id: { in: made.rules } } });
      await prisma.alertDestination.deleteMany({ where: { id: { in: made.destinations } } });
      await prisma.source.deleteMany({ where: { name: source } });
    },
  };
  return kit;
}
