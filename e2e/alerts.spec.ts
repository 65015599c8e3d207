import { expect, test } from "@playwright/test";
import { createHmac } from "node:crypto";
import { startAlertReceiver, type Receiver } from "../scripts/cli/alert-receiver";
import { E2E_TOKENS, storageStateFor } from "./support/e2e-state";

const tag = `alr${Date.now().toString(36)}`;
const SECRET = `${tag}-signing-secret`;
const SECRET_PATH = `/hooks/${tag}-private-path`;
let receiver: Receiver;

type Body = { event: string; rule: { name: string } | null; alert: { incidentId?: number; source: string | null; title: string } };
const bodies = () => receiver.received.map((r) => r.json as Body);

// README "Alerts → Verifying a webhook", as a receiver would write it.
function verified(body: string, header: string, secret: string): boolean {
  const { t, v1 } = Object.fromEntries(header.split(",").map((p) => p.split("=")));
  const want = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
  return v1 === want && Math.abs(Date.now() / 1000 - Number(t)) < 300;
}

test.beforeAll(async () => {
  receiver = await startAlertReceiver();
});
test.afterAll(async () => {
  await receiver.close();
});

test("alerts: an admin adds a webhook and rules, sends a test, sees the deliveries; a pushed and a scenario incident fire the rules", async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  await page.goto("/settings");
  const panel = page.getByRole("region", { name: "Alerts" });
  await expect(panel).toBeVisible();

  const dest = panel.getByRole("form", { name: "New destination" });
  await dest.getByLabel("Destination name").fill(`${tag}-hook`);
  await dest.getByLabel("Destination URL").fill(`${receiver.url}${SECRET_PATH}`);
  await dest.getByLabel("Destination secret").fill(SECRET);
  await dest.getByRole("button", { name: "Add destination" }).click();
  const row = panel.getByTestId("alert-destination-row").filter({ hasText: `${tag}-hook` });
  await expect(row).toBeVisible();
  await expect(row.getByTestId("alert-destination-url")).toHaveText(`${receiver.url}/•••`);
  await expect(panel).not.toContainText(SECRET_PATH);
  await expect(panel).not.toContainText(SECRET);

  await row.getByRole("button", { name: "Send test" }).click();
  await expect(row.getByTestId("alert-test-result")).toHaveText("delivered (200)", { timeout: 20_000 });
  expect(bodies()[0]).toMatchObject({ event: "test", rule: null });
  const first = receiver.received[0]!;
  expect(verified(first.body, String(first.headers["x-lockboard-signature"]), SECRET)).toBe(true);
  const testRow = panel
    .getByTestId("alert-delivery-row")
    .filter({ hasText: `${tag}-hook` })
    .first();
  await expect(testRow.getByTestId("alert-delivery-code")).toHaveText("200");
  await testRow.getByText("body", { exact: true }).click();
  await expect(testRow.getByTestId("alert-delivery-body")).toContainText('"event": "test"');

  // Rule 1: every new incident of one (pushed) source.
  const ruleForm = panel.getByRole("form", { name: "New rule" });
  await ruleForm.getByLabel("Rule name").fill(`${tag}-new`);
  await ruleForm.getByLabel("Filter sources").fill(`${tag}-app`);
  await ruleForm.getByLabel(`Send to ${tag}-hook`).check();
  await ruleForm.getByRole("button", { name: "Add rule" }).click();
  await expect(panel.getByTestId("alert-rule-row").filter({ hasText: `${tag}-new` })).toContainText("active");

  // Rule 2: a scenario's duplicate-key incident coming back after it was resolved.
  await ruleForm.getByLabel("Rule name").fill(`${tag}-regress`);
  await ruleForm.getByLabel("Rule trigger").selectOption("regression");
  await ruleForm.getByLabel("Filter sources").fill("librechat-api");
  await ruleForm.getByLabel(`Send to ${tag}-hook`).check();
  await ruleForm.getByRole("button", { name: "Add rule" }).click();
  await expect(panel.getByTestId("alert-rule-row").filter({ hasText: `${tag}-regress` })).toBeVisible();

  const pushed = await request.post(`/api/ingest?source=${tag}-app`, {
    headers: { authorization: `Bearer ${E2E_TOKENS.ingest}`, "content-type": "application/x-ndjson" },
    data: JSON.stringify({
      time: new Date().toISOString(),
      level: "error",
      msg: `E11000 duplicate key error collection: shop_${tag}.orders index: orderId_1 dup key: { orderId: 7 }`,
    }),
  });
  expect(pushed.status()).toBe(200);
  await expect
    .poll(
      () =>
        bodies()
          .filter((b) => b.rule?.name === `${tag}-new`)
          .map((b) => b.event),
      { timeout: 60_000 },
    )
    .toEqual(["trigger"]);
  expect(bodies().find((b) => b.rule?.name === `${tag}-new`)!.alert.source).toBe(`${tag}-app`);

  // The scenario keeps repeating its duplicate save: resolve its incident and it regresses.
  let incidentId = 0;
  await expect
    .poll(
      async () => {
        const list = await (await request.get("/api/incidents?source=librechat-api&kind=duplicate_key&limit=1")).json();
        incidentId = list.items?.[0]?.id ?? 0;
        return incidentId;
      },
      { timeout: 90_000 },
    )
    .toBeGreaterThan(0);
  const resolved = await request.post("/api/incidents/status", { data: { ids: [incidentId], status: "resolved", reason: "e2e: alerts" } });
  expect(resolved.status()).toBe(200);
  await expect
    .poll(
      () =>
        bodies()
          .filter((b) => b.rule?.name === `${tag}-regress`)
          .map((b) => b.alert.incidentId),
      { timeout: 90_000 },
    )
    .toContain(incidentId);

  await page.reload();
  const deliveries = page.getByRole("region", { name: "Alerts" }).getByTestId("alert-delivery-row");
  await expect(
    deliveries
      .filter({ hasText: `${tag}-regress` })
      .first()
      .getByTestId("alert-delivery-status"),
  ).toHaveText("delivered", { timeout: 20_000 });
  await expect(
    deliveries
      .filter({ hasText: `${tag}-new` })
      .first()
      .getByTestId("alert-delivery-code"),
  ).toHaveText("200");
  // The demo's own rule sends the scenarios' incidents to the demo receiver too.
  await expect(deliveries.filter({ hasText: "demo: every new incident" }).first()).toBeVisible({ timeout: 60_000 });

  // Paused, a rule says so on the page and in the audit.
  const newRule = page.getByTestId("alert-rule-row").filter({ hasText: `${tag}-new` });
  await newRule.getByRole("button", { name: "Pause" }).click();
  await expect(newRule.getByTestId("alert-rule-state")).toHaveText("paused");
  const audit = await (await request.get("/api/audit?action=alert_rule")).json();
  expect(JSON.stringify(audit)).toContain(`${tag}-new`);
});

test.describe("as a viewer", () => {
  test.use({ storageState: storageStateFor("viewer") });
  test("a viewer sees no destination secret, through the page or the API", async ({ page, request }) => {
    const res = await request.get("/api/alerts");
    expect(res.status()).toBe(200);
    const text = await res.text();
    expect(text).toContain(`${tag}-hook`);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(SECRET_PATH);
    expect((await request.post("/api/alerts/destinations", { data: { name: `${tag}-v`, type: "webhook", url: "http://127.0.0.1:9" } })).status()).toBe(403);
    await page.goto("/settings");
    await expect(page.getByText("Settings are for admins")).toBeVisible();
    await expect(page.getByRole("region", { name: "Alerts" })).toHaveCount(0);
  });
});
