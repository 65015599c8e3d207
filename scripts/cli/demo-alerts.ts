// `npm run demo` (and the e2e server): a local webhook receiver on 127.0.0.1 and a rule sending
// every new incident of the scenarios to it, so the Settings page shows deliveries within a minute.
import { randomBytes } from "node:crypto";
import { writeDestination } from "@/lib/alerts/destinations";
import { writeRule } from "@/lib/alerts/rules";
import { AlertDestinationInputSchema, AlertRuleInputSchema } from "@/lib/alerts/alert-schemas";
import { verifySignature } from "@/lib/alerts/signature";
import type { PrismaClient } from "@/lib/store/generated/client";
import { startAlertReceiver } from "./alert-receiver";

export const DEMO_DESTINATION = "demo-webhook";
export const DEMO_RULE = "demo: every new incident";
const DEMO_ACTOR = "lockboard (demo)";

export async function startDemoAlerts(
  prisma: PrismaClient,
  log: (m: string) => void = (m) => console.log(`[demo-alerts] ${m}`),
): Promise<{ url: string; stop(): Promise<void> }> {
  // A fresh secret per start: the receiver checks every signature the way README "Alerts" says.
  const secret = `demo-${randomBytes(18).toString("base64url")}`;
  const receiver = await startAlertReceiver({
    onRequest: (r) => {
      const ok = verifySignature(secret, r.body, String(r.headers["x-lockboard-signature"] ?? ""));
      const b = r.json as { event?: string; alert?: { title?: string } } | null;
      log(
        `received ${b?.event ?? "?"}: ${b?.alert?.title ?? r.body.slice(0, 80)} (signature ${ok ? "verified" : "INVALID"}, key ${r.headers["idempotency-key"]})`,
      );
    },
  });
  const url = `${receiver.url}/lockboard-alerts`;
  await prisma.$transaction(async (tx) => {
    await writeDestination(tx, DEMO_ACTOR, AlertDestinationInputSchema.parse({ name: DEMO_DESTINATION, type: "webhook", url, secret }), undefined, "demo");
    await writeRule(
      tx,
      DEMO_ACTOR,
      AlertRuleInputSchema.parse({ name: DEMO_RULE, trigger: "new_incident", destinations: [DEMO_DESTINATION], reminderMinutes: 10 }),
      undefined,
      "demo",
    );
  });
  log(`webhook receiver on ${receiver.url}; rule "${DEMO_RULE}" sends each new incident there (Settings → Alerts shows the deliveries)`);
  return { url, stop: () => receiver.close() };
}
