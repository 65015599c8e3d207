import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as listAlerts } from "@/app/api/alerts/route";
import { POST as createDestination } from "@/app/api/alerts/destinations/route";
import { DELETE as deleteDestinationRoute, PUT as updateDestination } from "@/app/api/alerts/destinations/[id]/route";
import { POST as createRule } from "@/app/api/alerts/rules/route";
import { PUT as updateRule } from "@/app/api/alerts/rules/[id]/route";
import { signInAs } from "../auth/test-sessions";
import { disconnectPrisma, getPrisma } from "../store/prisma";
import { ALERTS_FILE_ACTOR, loadAlertsFile } from "./alerts-file";
import { openDestination } from "./destinations";

const tag = `api${randomBytes(4).toString("hex")}`;
const SECRET_PATH = `/services/T0/B0/${tag}SECRETPATH`;
const SECRET = `${tag}-signing-secret`;
let admin: string;
let viewer: string;
type Handler = (req: NextRequest, ctx: never) => Promise<Response>;

async function call(handler: Handler, method: string, cookie: string, body?: unknown, params: Record<string, string> = {}, query = "") {
  const req = new NextRequest(`http://127.0.0.1:3000/api/alerts${query}`, {
    method,
    headers: { cookie, host: "127.0.0.1:3000", "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const res = await handler(req, { params: Promise.resolve(params) } as never);
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) };
}

beforeAll(async () => {
  [admin, viewer] = await Promise.all([signInAs("admin"), signInAs("viewer")]);
});
afterAll(async () => {
  const prisma = getPrisma();
  await prisma.alertRule.deleteMany({ where: { name: { startsWith: tag } } });
  await prisma.alertDestination.deleteMany({ where: { name: { startsWith: tag } } });
  await disconnectPrisma();
});

describe("alerts API", () => {
  it("admin writes, audited; viewers see only masked URLs and never a secret", async () => {
    const created = await call(createDestination, "POST", admin, {
      name: `${tag}-hook`,
      type: "webhook",
      url: `https://hooks.example.com${SECRET_PATH}?token=abc`,
      secret: SECRET,
    });
    expect(created.status).toBe(201);
    expect(created.json()).toMatchObject({ maskedUrl: "https://hooks.example.com/•••", hasSecret: true });
    expect(created.text).not.toContain(SECRET_PATH);
    expect(created.text).not.toContain(SECRET);
    const id = created.json().id as number;
    // Stored encrypted: the row itself holds neither.
    const row = await getPrisma().alertDestination.findUniqueOrThrow({ where: { id } });
    expect(JSON.stringify(row)).not.toContain(SECRET);
    expect(openDestination(row)).toEqual({ url: `https://hooks.example.com${SECRET_PATH}?token=abc`, secret: SECRET });

    expect((await call(createDestination, "POST", viewer, { name: `${tag}-v`, type: "webhook", url: "https://x.example" })).status).toBe(403);
    const rule = await call(createRule, "POST", admin, {
      name: `${tag}-rule`,
      trigger: "rate",
      params: { perMinute: 10, minutes: 3 },
      destinations: [`${tag}-hook`],
    });
    expect(rule.status).toBe(201);
    const seen = await call(listAlerts, "GET", viewer);
    expect(seen.status).toBe(200);
    expect(seen.text).toContain(`${tag}-hook`);
    expect(seen.text).not.toContain(SECRET_PATH);
    expect(seen.text).not.toContain(SECRET);

    // An update without url or secret keeps both; the audit names what changed, masked.
    expect((await call(updateDestination, "PUT", admin, { name: `${tag}-hook`, type: "webhook" }, { id: String(id) })).status).toBe(200);
    expect(openDestination(await getPrisma().alertDestination.findUniqueOrThrow({ where: { id } })).secret).toBe(SECRET);
    const paused = await call(
      updateRule,
      "PUT",
      admin,
      { ...rule.json(), id: undefined, origin: undefined, createdAt: undefined, updatedAt: undefined, paused: true },
      { id: String(rule.json().id) },
    );
    expect(paused.json()).toMatchObject({ paused: true });
    const audit = await getPrisma().actionLog.findMany({
      where: { action: { startsWith: "alert_" }, target: { path: ["name"], string_starts_with: tag } },
      orderBy: { id: "asc" },
    });
    expect(audit.map((a) => `${a.action} ${a.outcome}`)).toEqual([
      "alert_destination.create created",
      "alert_rule.create created",
      "alert_destination.update updated",
      "alert_rule.update paused",
    ]);
    expect(JSON.stringify(audit)).not.toContain(SECRET);
    expect(JSON.stringify(audit)).not.toContain(SECRET_PATH);

    expect((await call(deleteDestinationRoute, "DELETE", admin, undefined, { id: String(id) })).json()).toEqual({ deleted: true });
  });

  it("refuses bad input with a 400 naming the parameter", async () => {
    const bad = async (body: unknown) => (await call(createRule, "POST", admin, body)).json().error.message as string;
    expect(await bad({ name: `${tag}-r`, trigger: "rate", params: { perMinute: 0, minutes: 3 }, destinations: ["x"] })).toMatch(
      /^invalid field "params.perMinute"/,
    );
    expect(await bad({ name: `${tag}-r`, trigger: "sometimes", destinations: ["x"] })).toMatch(/^invalid field "trigger"/);
    expect(await bad({ name: `${tag}-r`, trigger: "new_incident", destinations: ["nope"] })).toMatch(
      /^invalid field "destinations": no destination named "nope"/,
    );
    const d = await call(createDestination, "POST", admin, { name: `${tag}-f`, type: "webhook", url: "file:///etc/passwd" });
    expect(d.status).toBe(400);
    expect(d.json().error.message).toMatch(/^invalid field "url": must be an http/);
    expect((await call(createDestination, "POST", admin, { name: `${tag}-p`, type: "pagerduty" })).json().error.message).toMatch(/"secret"/);
    expect((await call(listAlerts, "GET", admin, undefined, {}, "?limit=0")).json().error.message).toMatch(/^invalid query parameter "limit"/);
  });

  it("LOCKBOARD_ALERTS_FILE upserts by name, audits a change once and an unchanged file not at all", async () => {
    const file = path.join(tmpdir(), `${tag}-alerts.json`);
    const config = {
      destinations: [{ name: `${tag}-pd`, type: "pagerduty", url: "http://127.0.0.1:9/v2/enqueue", secret: "routing-key-xyz" }],
      rules: [{ name: `${tag}-file-rule`, trigger: "source_down", params: { minutes: 5 }, destinations: [`${tag}-pd`] }],
    };
    writeFileSync(file, JSON.stringify(config));
    const prisma = getPrisma();
    expect(await loadAlertsFile(prisma, { LOCKBOARD_ALERTS_FILE: file })).toEqual({ destinations: 1, rules: 1 });
    await loadAlertsFile(prisma, { LOCKBOARD_ALERTS_FILE: file });
    const count = () => prisma.actionLog.count({ where: { actor: ALERTS_FILE_ACTOR, target: { path: ["name"], string_starts_with: tag } } });
    expect(await count()).toBe(2);
    config.rules[0]!.params.minutes = 10;
    writeFileSync(file, JSON.stringify(config));
    await loadAlertsFile(prisma, { LOCKBOARD_ALERTS_FILE: file });
    expect(await count()).toBe(3);
    expect((await prisma.alertRule.findUniqueOrThrow({ where: { name: `${tag}-file-rule` } })).params).toEqual({ minutes: 10 });
    writeFileSync(file, JSON.stringify({ rules: [{ name: "x", trigger: "rate", params: {}, destinations: ["y"] }] }));
    await expect(loadAlertsFile(prisma, { LOCKBOARD_ALERTS_FILE: file })).rejects.toThrow(/rules.0.params.perMinute/);
  });
});
