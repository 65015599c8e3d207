import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startAlertReceiver, type Receiver } from "@/scripts/cli/alert-receiver";
import { changeIncidentStatus } from "../incidents/change-status";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { makeKit } from "./alerts-test-kit.test-support";
import { verifySignature } from "./signature";

const prisma = getPrisma();
let receiver: Receiver;
let kit: ReturnType<typeof makeKit>;
const SECRET = "whsec-test-0123456789";
type Body = { event: string; idempotencyKey: string; alert: { incidentId: number; count: number; title: string; url: string; source: string } };
const bodies = () => receiver.received.map((r) => r.json as Body);

beforeAll(() => {
  process.env.LOCKBOARD_PUBLIC_URL = "http://lockboard.example:3000";
});
afterEach(async () => {
  await receiver?.close();
  await kit?.cleanup();
});
afterAll(() => disconnectPrisma());

async function setUp(rule: Parameters<typeof kit.rule>[0] extends infer R ? Omit<R & object, "destinations"> : never = {}) {
  receiver = await startAlertReceiver();
  kit = makeKit(prisma);
  const d = await kit.destination({ url: `${receiver.url}/hook`, secret: SECRET });
  return kit.rule({ ...rule, destinations: [d.name] });
}

describe("alert rules", () => {
  it("a new incident alerts once, signed so that the documented check verifies it", async () => {
    await setUp();
    const inc = await kit.events(1);
    await kit.pass();
    await kit.advance(60_000);
    await kit.pass();
    expect(receiver.received).toHaveLength(1);
    const [req] = receiver.received;
    expect(bodies()[0]).toMatchObject({
      event: "trigger",
      alert: { incidentId: inc.id, source: kit.source, url: `http://lockboard.example:3000/incidents/${inc.id}` },
    });
    // README "Verifying a webhook": HMAC-SHA256 over "<t>.<raw body>" with the destination's secret.
    const sig = String(req!.headers["x-lockboard-signature"]);
    expect(verifySignature(SECRET, req!.body, sig, Date.now())).toBe(true);
    expect(verifySignature("another secret", req!.body, sig, Date.now())).toBe(false);
    expect(verifySignature(SECRET, req!.body.replace("trigger", "resolve"), sig, Date.now())).toBe(false);
    // A replay of the same request ten minutes later is refused on its timestamp.
    expect(verifySignature(SECRET, req!.body, sig, Date.now() + 600_000)).toBe(false);
    expect(req!.headers["idempotency-key"]).toBe(bodies()[0]!.idempotencyKey);
  });

  it("a storm of 1,000 events on one incident alerts once, then one reminder per interval while it goes on", async () => {
    await setUp({ reminderMinutes: 10 });
    const first = await kit.events(1);
    await kit.pass();
    for (let i = 0; i < 9; i++) {
      const inc = await kit.events(111);
      expect(inc.id).toBe(first.id);
      kit.advance(60_000);
      await kit.pass();
    }
    // 9 minutes in, 1,000 events: still the one alert.
    expect(bodies().map((b) => b.event)).toEqual(["trigger"]);
    kit.advance(60_000);
    await kit.pass();
    kit.advance(60_000);
    await kit.pass();
    expect(bodies().map((b) => b.event)).toEqual(["trigger", "reminder"]);
    expect(bodies()[1]!.alert.count).toBe(1000);
    // Nothing new since the reminder: no more reminders, however long it stays open.
    kit.advance(30 * 60_000);
    await kit.pass();
    expect(bodies().map((b) => b.event)).toEqual(["trigger", "reminder"]);
    // It goes on: the next interval brings one more.
    await kit.events(5);
    await kit.pass();
    kit.advance(5 * 60_000);
    await kit.pass();
    expect(bodies().map((b) => b.event)).toEqual(["trigger", "reminder", "reminder"]);
    expect(new Set(bodies().map((b) => b.idempotencyKey)).size).toBe(3);
  });

  it("a muted incident never alerts, however many events follow", async () => {
    await setUp({ reminderMinutes: 1 });
    const inc = await kit.events(1);
    await changeIncidentStatus(prisma, { name: "op@alerts.test" }, { ids: [inc.id], status: "muted" });
    await kit.pass();
    await kit.events(50);
    kit.advance(5 * 60_000);
    await kit.pass();
    expect(receiver.received).toHaveLength(0);
  });

  it("acknowledging stops the reminders; resolving sends the recovery", async () => {
    await setUp({ reminderMinutes: 1 });
    const inc = await kit.events(1);
    await kit.pass();
    await changeIncidentStatus(prisma, { name: "op@alerts.test" }, { ids: [inc.id], status: "acknowledged" });
    await kit.events(20);
    kit.advance(5 * 60_000);
    await kit.pass();
    expect(bodies().map((b) => b.event)).toEqual(["trigger"]);
    await changeIncidentStatus(prisma, { name: "op@alerts.test" }, { ids: [inc.id], status: "resolved" });
    await kit.pass();
    expect(bodies().map((b) => b.event)).toEqual(["trigger", "resolve"]);
  });

  it("a regression alerts, and only once per time it comes back", async () => {
    await setUp({ trigger: "regression" });
    const inc = await kit.events(1);
    await kit.pass();
    expect(receiver.received).toHaveLength(0);
    await changeIncidentStatus(prisma, { name: "op@alerts.test" }, { ids: [inc.id], status: "resolved" });
    await kit.pass();
    const again = await kit.events(3);
    expect(again).toMatchObject({ id: inc.id, regression: true, status: "open" });
    kit.advance(60_000);
    await kit.pass();
    kit.advance(60_000);
    await kit.pass();
    expect(bodies().map((b) => [b.event, b.alert.incidentId])).toEqual([["trigger", inc.id]]);
    await changeIncidentStatus(prisma, { name: "op@alerts.test" }, { ids: [inc.id], status: "resolved" });
    await kit.pass();
    await kit.events(1);
    await kit.pass();
    expect(bodies().map((b) => b.event)).toEqual(["trigger", "resolve", "trigger"]);
  });

  it("a paused rule says nothing; resumed, it alerts on what opens after", async () => {
    const rule = await setUp({ paused: true });
    await kit.events(1, "p");
    await kit.pass();
    expect(receiver.received).toHaveLength(0);
    const { saveRule } = await import("./rules");
    const { name, trigger, params, filter, destinations, reminderMinutes } = rule;
    await saveRule(prisma, "admin@alerts.test", { name, trigger, params, filter, destinations, reminderMinutes, paused: false }, rule.id);
    await kit.pass();
    expect(receiver.received).toHaveLength(0);
    await kit.events(1, "q");
    await kit.pass();
    expect(bodies().map((b) => b.alert.title)).toEqual([expect.stringContaining(`q_${kit.tag}`)]);
  });

  it("filters by kind and severity", async () => {
    await setUp({ filter: { sources: [], kinds: ["too_many_connections"], severities: [] } });
    await kit.events(1);
    await kit.pass();
    expect(receiver.received).toHaveLength(0);
  });
});
