import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startAlertReceiver, type Receiver } from "@/scripts/cli/alert-receiver";
import { changeIncidentStatus } from "../incidents/change-status";
import { ingestNdjson } from "../ingest/push-ingest";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import type { AlertRuleInput } from "./alert-schemas";
import { makeKit } from "./alerts-test-kit.test-support";

const prisma = getPrisma();
let receiver: Receiver;
let kit: ReturnType<typeof makeKit>;
const extraSources: string[] = [];
type Body = { event: string; alert: { subject: string; severity: string; title: string; details?: Record<string, unknown> } };
const bodies = () => receiver.received.map((r) => r.json as Body);
const events = () => bodies().map((b) => b.event);

afterEach(async () => {
  await receiver?.close();
  await kit?.cleanup();
  await prisma.source.deleteMany({ where: { name: { in: extraSources.splice(0) } } });
});
afterAll(() => disconnectPrisma());

async function setUp(rule: Omit<Partial<AlertRuleInput>, "destinations">) {
  receiver = await startAlertReceiver();
  kit = makeKit(prisma);
  const d = await kit.destination({ url: receiver.url });
  await kit.rule({ reminderMinutes: 0, ...rule, destinations: [d.name] });
}

async function source(kind: string, data: Record<string, unknown> = {}) {
  const name = `${kit.tag}-${kind}`;
  extraSources.push(name);
  return prisma.source.create({ data: { name, kind, ...data } });
}

describe("alert triggers", () => {
  it("capacity at critical fires with the source's thresholds, and recovers when back under", async () => {
    await setUp({ trigger: "capacity", params: { level: "critical" } });
    const s = await source("process", { config: { warn: 50, critical: 90 } });
    await prisma.alertRule.updateMany({ where: { name: { startsWith: kit.tag } }, data: { filter: { sources: [s.name] } } });
    const sample = (value: number) => prisma.capacitySample.create({ data: { sourceId: s.id, sampledAt: kit.now(), metric: "fds", value, limit: 100 } });
    await sample(70); // warn only: not for this rule
    await kit.pass();
    expect(receiver.received).toHaveLength(0);
    kit.advance(5_000);
    await sample(95);
    await kit.pass();
    expect(bodies()[0]!.alert).toMatchObject({ subject: `capacity:${s.id}:fds`, severity: "critical", details: { level: "critical", value: 95, limit: 100 } });
    kit.advance(5_000);
    await sample(20);
    await kit.pass();
    expect(events()).toEqual(["trigger", "resolve"]);
  });

  it("a source unreachable for N minutes fires once, and recovers when it answers", async () => {
    await setUp({ trigger: "source_down", params: { minutes: 5 } });
    const s = await source("postgres", { healthStatus: "down", healthError: "ECONNREFUSED", downSince: new Date(kit.now().getTime() - 3 * 60_000) });
    await prisma.alertRule.updateMany({ where: { name: { startsWith: kit.tag } }, data: { filter: { sources: [s.name] } } });
    await kit.pass();
    expect(receiver.received).toHaveLength(0);
    kit.advance(2 * 60_000 + 1_000);
    await kit.pass();
    kit.advance(60_000);
    await kit.pass();
    expect(events()).toEqual(["trigger"]);
    expect(bodies()[0]!.alert.title).toContain("ECONNREFUSED");
    await prisma.source.update({ where: { id: s.id }, data: { healthStatus: "up", downSince: null } });
    await kit.pass();
    expect(events()).toEqual(["trigger", "resolve"]);
  });

  it("an advisory lock stuck longer than N seconds fires, and its release recovers", async () => {
    await setUp({ trigger: "stuck_lock", params: { seconds: 60 } });
    await kit.events(1);
    const s = await prisma.source.findUniqueOrThrow({ where: { name: kit.source } });
    const at = new Date(kit.now().getTime() - 30_000);
    const inc = await prisma.incident.create({
      data: {
        fingerprint: `advisory_lock_stuck:${s.id}:${kit.tag}`,
        kind: "advisory_lock_stuck",
        title: `Advisory lock ${kit.tag} stuck`,
        sourceId: s.id,
        firstSeen: at,
        lastSeen: kit.now(),
        count: 3,
      },
    });
    await kit.pass();
    expect(receiver.received).toHaveLength(0);
    kit.advance(31_000);
    await kit.pass();
    expect(bodies()[0]!.alert).toMatchObject({ subject: `stuck:${inc.id}`, details: { stuckLongerThanSeconds: 60 } });
    await changeIncidentStatus(prisma, { name: "lockboard (lock sampler)" }, { ids: [inc.id], status: "resolved" });
    await kit.pass();
    expect(events()).toEqual(["trigger", "resolve"]);
  });

  it("a replay run that ended with failures fires once", async () => {
    await setUp({ trigger: "replay_failed", filter: { kinds: [], sources: [], severities: [] } });
    const run = await prisma.replayRun.create({
      data: {
        actor: "op@alerts.test",
        total: 0,
        batchSize: 10,
        ratePerSec: 10,
        status: "failed",
        finishedAt: kit.now(),
        error: `target ${kit.tag} unreachable`,
      },
    });
    const fine = await prisma.replayRun.create({
      data: { actor: "op@alerts.test", total: 0, batchSize: 10, ratePerSec: 10, status: "done", finishedAt: kit.now() },
    });
    await kit.pass();
    kit.advance(60_000);
    await kit.pass();
    expect(bodies().map((b) => b.alert.subject)).toEqual([`replay:${run.id}`]);
    await prisma.replayRun.deleteMany({ where: { id: { in: [run.id, fine.id] } } });
  });

  it("a rate over N events/min for M minutes fires, and recovers when it calms down", async () => {
    await setUp({ trigger: "rate", params: { perMinute: 5, minutes: 2 } });
    const minute = Math.floor(kit.now().getTime() / 60_000) * 60_000;
    const lines: string[] = [];
    for (const m of [minute - 120_000, minute - 60_000]) {
      for (let i = 0; i < 6; i++)
        lines.push(
          JSON.stringify({
            time: new Date(m + i * 1000).toISOString(),
            level: "error",
            msg: `E11000 duplicate key error collection: chat.r_${kit.tag} index: k_1 dup key: { k: ${i} }`,
          }),
        );
    }
    await ingestNdjson(prisma, kit.source, Buffer.from(lines.slice(0, 11).join("\n")));
    await kit.pass();
    expect(receiver.received).toHaveLength(0); // one minute at 5: not over 5
    await ingestNdjson(prisma, kit.source, Buffer.from(lines[11]!));
    await kit.pass();
    expect(events()).toEqual(["trigger"]);
    expect(bodies()[0]!.alert.subject).toMatch(/^rate:\d+$/);
    kit.advance(60_000);
    await kit.pass();
    expect(events()).toEqual(["trigger", "resolve"]);
  });
});
