import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startAlertReceiver, type Receiver } from "@/scripts/cli/alert-receiver";
import { changeIncidentStatus } from "../incidents/change-status";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { makeKit } from "./alerts-test-kit.test-support";
import { deliverDue, listDeliveries, sendTestMessage } from "./deliver";
import { listDestinations } from "./destinations";
import { evaluateAlerts } from "./evaluate";
import { pruneAlerts } from "./prune";

const prisma = getPrisma();
const receivers: Receiver[] = [];
let kit: ReturnType<typeof makeKit>;
const receiver = async (o: Parameters<typeof startAlertReceiver>[0] = {}) => {
  const r = await startAlertReceiver(o);
  receivers.push(r);
  return r;
};
const keys = (r: Receiver) => r.received.map((q) => String(q.headers["idempotency-key"]));

afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
  await kit?.cleanup();
});
afterAll(() => disconnectPrisma());

describe("alert delivery", () => {
  it("a receiver answering 503 then 200 gets one delivery that counts; the retry carries the same idempotency key", async () => {
    kit = makeKit(prisma);
    const r = await receiver({ answers: [{ status: 503, body: "busy" }, { status: 200 }] });
    const d = await kit.destination({ url: r.url });
    await kit.rule({ destinations: [d.name] });
    await kit.events(1);
    await kit.pass();
    expect(r.received).toHaveLength(1);
    let [row] = await kit.deliveries();
    expect(row).toMatchObject({ status: "pending", attempts: 1, lastStatus: 503, lastError: "answered 503" });
    // Not before its backoff (5 s at the first retry, jitter in its upper half).
    kit.advance(2_000);
    await kit.pass();
    expect(r.received).toHaveLength(1);
    kit.advance(10_000);
    await kit.pass();
    kit.advance(60_000);
    await kit.pass();
    expect(r.received).toHaveLength(2);
    expect(new Set(keys(r)).size).toBe(1);
    expect(r.received[0]!.body).toBe(r.received[1]!.body);
    expect(JSON.parse(r.received[1]!.body).idempotencyKey).toBe(keys(r)[0]);
    [row] = await kit.deliveries();
    expect(row).toMatchObject({ status: "delivered", attempts: 2, lastStatus: 200 });
  });

  it("a receiver down for ten minutes loses nothing, and gets each message once when it is back", async () => {
    kit = makeKit(prisma);
    const probe = await startAlertReceiver();
    const port = probe.port;
    await probe.close(); // nothing listens there now: connection refused
    const d = await kit.destination({ url: `http://127.0.0.1:${port}/hook` });
    await kit.rule({ destinations: [d.name] });
    for (const which of ["a", "b", "c"]) await kit.events(1, which);
    for (let s = 0; s <= 600; s += 15) {
      await kit.pass();
      kit.advance(15_000);
    }
    const waiting = await kit.deliveries();
    expect(waiting).toHaveLength(3);
    expect(waiting.every((w) => w.status === "pending" && w.attempts >= 3 && w.lastError === "ECONNREFUSED")).toBe(true);
    const back = await receiver({ port });
    for (let i = 0; i < 40 && back.received.length < 3; i++) {
      kit.advance(30_000);
      await kit.pass();
    }
    kit.advance(10 * 60_000);
    await kit.pass();
    expect(back.received).toHaveLength(3);
    expect(new Set(keys(back))).toEqual(new Set(waiting.map((w) => w.idempotencyKey)));
    expect((await kit.deliveries()).every((w) => w.status === "delivered")).toBe(true);
  });

  it("a 4xx is not retried, and the delivery shows its status and answer", async () => {
    kit = makeKit(prisma);
    const r = await receiver({ answers: [{ status: 400, body: '{"error":"bad payload"}' }] });
    const d = await kit.destination({ url: r.url });
    await kit.rule({ destinations: [d.name] });
    await kit.events(1);
    await kit.pass();
    kit.advance(3_600_000);
    await kit.pass();
    expect(r.received).toHaveLength(1);
    const [shown] = await listDeliveries(prisma, { destinationId: d.id });
    expect(shown).toMatchObject({
      status: "failed",
      attempts: 1,
      lastStatus: 400,
      response: '{"error":"bad payload"}',
      lastError: "answered 400",
      event: "trigger",
    });
    expect(shown!.body).toMatchObject({ event: "trigger", alert: { source: kit.source } });
  });

  it("a redirect is not followed", async () => {
    kit = makeKit(prisma);
    const elsewhere = await receiver();
    const r = await receiver({ answers: [{ status: 307, headers: { location: `${elsewhere.url}/stolen` } }] });
    const d = await kit.destination({ url: r.url });
    await kit.rule({ destinations: [d.name] });
    await kit.events(1);
    await kit.pass();
    kit.advance(3_600_000);
    await kit.pass();
    expect(r.received).toHaveLength(1);
    expect(elsewhere.received).toHaveLength(0);
    const [row] = await kit.deliveries();
    expect(row).toMatchObject({ status: "failed", lastStatus: 307, lastError: `redirect to ${elsewhere.url}/stolen not followed` });
  });

  it("a receiver that does not answer in time is retried, and a huge answer is cut at the cap", async () => {
    kit = makeKit(prisma);
    const r = await receiver({
      answers: [
        { status: 200, delayMs: 1_500 },
        { status: 200, body: "x".repeat(200_000) },
      ],
    });
    const d = await kit.destination({ url: r.url });
    await kit.rule({ destinations: [d.name] });
    await kit.events(1);
    await evaluateAlerts(prisma, kit.now());
    await deliverDue(prisma, { now: kit.now, timeoutMs: 300 });
    let [row] = await kit.deliveries();
    expect(row).toMatchObject({ status: "pending", lastError: "no answer within 300 ms" });
    kit.advance(60_000);
    await deliverDue(prisma, { now: kit.now, timeoutMs: 3_000, maxResponseBytes: 1_000 });
    [row] = await kit.deliveries();
    expect(row).toMatchObject({ status: "delivered", attempts: 2 });
    expect(row!.response!.length).toBeLessThanOrEqual(1_000);
  });

  it("senders in several instances at once send each message once (rows claimed FOR UPDATE SKIP LOCKED)", async () => {
    kit = makeKit(prisma);
    const r = await receiver({ answers: [{ status: 200, delayMs: 100 }] });
    const d = await kit.destination({ url: r.url });
    await kit.rule({ destinations: [d.name] });
    for (const which of ["a", "b", "c", "d", "e", "f"]) await kit.events(1, which);
    await Promise.all([evaluateAlerts(prisma, kit.now()), evaluateAlerts(prisma, kit.now())]);
    await Promise.all(Array.from({ length: 4 }, () => deliverDue(prisma, { now: kit.now, batch: 2 })));
    await deliverDue(prisma, { now: kit.now });
    expect(r.received).toHaveLength(6);
    expect(new Set(keys(r)).size).toBe(6);
  });

  it("speaks Slack's incoming-webhook format and PagerDuty's Events API v2 (trigger, then resolve on the same dedup_key)", async () => {
    process.env.LOCKBOARD_PUBLIC_URL = "http://lockboard.example:3000";
    kit = makeKit(prisma);
    const slack = await receiver();
    const pd = await receiver({ answers: [{ status: 202, body: '{"status":"success","dedup_key":"x"}' }] });
    const s = await kit.destination({ type: "slack", url: `${slack.url}/services/T0/B0/secretpath` });
    const p = await kit.destination({ type: "pagerduty", url: `${pd.url}/v2/enqueue`, secret: "R0UTINGKEY0123456789abcdefghijkl" });
    await kit.rule({ destinations: [s.name, p.name] });
    const inc = await kit.events(4);
    await kit.pass();
    const msg = slack.received[0]!.json as { text: string; blocks: { fields?: { text: string }[]; text?: { text: string } }[] };
    const link = `http://lockboard.example:3000/incidents/${inc.id}`;
    expect(msg.text).toContain(inc.title);
    expect(msg.text).toContain(link);
    const fields = msg.blocks.flatMap((b) => b.fields ?? []).map((f) => f.text);
    expect(fields).toEqual(
      expect.arrayContaining([
        `*Source*\n${kit.source}`,
        "*Count*\n4",
        `*First seen*\n${inc.firstSeen.toISOString()}`,
        `*Last seen*\n${inc.lastSeen.toISOString()}`,
      ]),
    );
    expect(pd.received[0]!.json).toMatchObject({
      routing_key: "R0UTINGKEY0123456789abcdefghijkl",
      event_action: "trigger",
      dedup_key: `lockboard:incident:${inc.id}`,
      payload: { summary: expect.stringContaining(inc.title), source: kit.source, severity: "error" },
      links: [{ href: link }],
    });
    await changeIncidentStatus(prisma, { name: "op@alerts.test" }, { ids: [inc.id], status: "resolved" });
    await kit.pass();
    expect(pd.received[1]!.json).toEqual({
      routing_key: "R0UTINGKEY0123456789abcdefghijkl",
      event_action: "resolve",
      dedup_key: `lockboard:incident:${inc.id}`,
    });
    expect((slack.received[1]!.json as { text: string }).text).toMatch(/^Resolved: /);
    // The stored body (shown on Settings) never holds the routing key; the list never the URL path or secret.
    const stored = JSON.stringify(await kit.deliveries());
    expect(stored).not.toContain("R0UTINGKEY");
    const listed = JSON.stringify(await listDestinations(prisma));
    expect(listed).not.toContain("R0UTINGKEY");
    expect(listed).not.toContain("secretpath");
  });

  it("send test: a signed test message through the same path, audited", async () => {
    kit = makeKit(prisma);
    const r = await receiver();
    const d = await kit.destination({ url: r.url, secret: "s3cret-for-test" });
    const row = await sendTestMessage(prisma, "admin@alerts.test", d.id);
    expect(row).toMatchObject({ status: "delivered", lastStatus: 200, event: "test" });
    expect(r.received[0]!.json).toMatchObject({ event: "test", rule: null });
    const audit = await prisma.actionLog.findFirst({ where: { action: "alert_destination.test", target: { path: ["destinationId"], equals: d.id } } });
    expect(audit).toMatchObject({ actor: "admin@alerts.test", outcome: "queued" });
    // A PagerDuty test opens an incident there: its resolve follows on the same dedup_key.
    const pd = await receiver();
    const p = await kit.destination({ type: "pagerduty", url: pd.url, secret: "routing-key-test" });
    await sendTestMessage(prisma, "admin@alerts.test", p.id);
    await deliverDue(prisma);
    expect(pd.received.map((q) => (q.json as { event_action: string; dedup_key: string }).event_action)).toEqual(["trigger", "resolve"]);
    expect(new Set(pd.received.map((q) => (q.json as { dedup_key: string }).dedup_key))).toEqual(new Set([`lockboard:test:${p.id}`]));
  });

  it("retention deletes finished deliveries past it, never one still waiting", async () => {
    kit = makeKit(prisma);
    const r = await receiver({ answers: [{ status: 503 }, { status: 200 }] });
    const d = await kit.destination({ url: r.url });
    await kit.rule({ destinations: [d.name] });
    await kit.events(1, "a");
    await kit.pass();
    const [waiting] = await kit.deliveries();
    expect(waiting!.status).toBe("pending");
    await prisma.alertDelivery.update({ where: { id: waiting!.id }, data: { createdAt: new Date(Date.now() - 40 * 86_400_000) } });
    await pruneAlerts(prisma, new Date(), 30);
    expect(await kit.deliveries()).toHaveLength(1);
    kit.advance(60_000);
    await kit.pass();
    expect((await kit.deliveries())[0]!.status).toBe("delivered");
    await pruneAlerts(prisma, new Date(), 30);
    expect(await kit.deliveries()).toHaveLength(0);
  });
});
