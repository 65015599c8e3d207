import { expect, test } from "@playwright/test";
import { E2E_TOKENS, E2E_USERS, storageStateFor } from "./support/e2e-state";

const tag = `tri${Date.now().toString(36)}`;
const msg = `${tag}-msg`;
const API = `${tag}-api`;
const WORKER = `${tag}-worker`;
const auth = { authorization: `Bearer ${E2E_TOKENS.ingest}`, "content-type": "application/x-ndjson" };
const dupLine = (at: Date) =>
  JSON.stringify({
    time: at.toISOString(),
    level: "error",
    messageId: msg,
    msg: `E11000 duplicate key error collection: chat_${tag}.messages index: messageId_1 dup key: { messageId: "${msg}" }`,
  });

test("triage: filter by kind in the URL, open an incident, follow an entity across sources, acknowledge, resolve, see it regress", async ({
  page,
  request,
}) => {
  const t0 = Date.now() - 60_000;
  // The API retries after an upstream error and hits E11000; the worker logs the same message in between.
  const a = await request.post(`/api/ingest?source=${API}`, { headers: auth, data: [dupLine(new Date(t0)), dupLine(new Date(t0 + 2_000))].join("\n") });
  expect(a.status()).toBe(200);
  const b = await request.post(`/api/ingest?source=${WORKER}`, {
    headers: auth,
    data: JSON.stringify({
      time: new Date(t0 + 1_000).toISOString(),
      level: "error",
      messageId: msg,
      msg: "upstream 503 from provider, retrying message save",
    }),
  });
  expect(b.status()).toBe(200);

  await page.goto("/incidents");
  await page.getByLabel("Kind").selectOption("duplicate_key");
  await expect(page).toHaveURL(/kind=duplicate_key/);
  await page.reload();
  await expect(page.getByLabel("Kind")).toHaveValue("duplicate_key");
  const rows = page.getByTestId("incident-row");
  await expect(rows.first()).toBeVisible();
  for (const kind of await rows.locator("td:nth-child(3)").allTextContents()) expect(kind).toBe("Duplicate key");
  const row = rows.filter({ hasText: API });
  await expect(row).toContainText(`Duplicate key on chat_${tag}.messages index messageId_1`);
  await expect(row.getByTestId("sparkline")).toBeVisible();

  await row.getByRole("link").click();
  await expect(page).toHaveURL(/\/incidents\/\d+/);
  const incidentUrl = page.url();
  await expect(page.getByTestId("incident-title")).toContainText(`chat_${tag}.messages`);
  await expect(page.getByTestId("incident-histogram")).toBeVisible();
  // An E11000 read from an app's log: the MongoDB runbook for its collection, no SQL.
  await expect(page.getByTestId("runbook")).toContainText("db.messages.updateOne(");
  await expect(page.getByTestId("runbook")).not.toContainText("ON CONFLICT");
  await expect(page.getByTestId("incident-event")).toHaveCount(2);

  await page.getByTestId("incident-entities").getByTestId("entity-chip").filter({ hasText: msg }).click();
  await expect(page).toHaveURL(new RegExp(`/entities/messageId/${msg}$`));
  const events = page.locator('[data-testid="timeline-item"][data-kind="event"]');
  await expect(events).toHaveCount(3);
  expect(await events.getByTestId("source-badge").allTextContents()).toEqual([API, WORKER, API]);
  const times = await events.evaluateAll((els) => els.map((e) => e.getAttribute("data-at")!));
  expect([...times].sort().reverse()).toEqual(times);
  await expect(page.getByTestId("density-chart")).toBeVisible();

  await page.goto(incidentUrl);
  await page.getByRole("button", { name: "Acknowledge" }).click();
  await expect(page.getByTestId("incident-status").first()).toHaveText("acknowledged");
  await expect(page.getByText(`by ${E2E_USERS.admin.email}`)).toBeVisible();
  await page.getByRole("button", { name: "Resolve" }).click();
  await expect(page.getByTestId("incident-status").first()).toHaveText("resolved");
  await expect(page.getByTestId("regression-badge")).toHaveCount(0);

  const again = await request.post(`/api/ingest?source=${API}`, { headers: auth, data: dupLine(new Date()) });
  expect((await again.json()).inserted).toBe(1);
  await expect(page.getByTestId("incident-status").first()).toHaveText("open", { timeout: 15_000 });
  await expect(page.getByTestId("regression-banner")).toBeVisible();
  await expect(page.getByTestId("regression-badge").first()).toBeVisible();

  const audit = await (await request.get("/api/audit?action=incident.status")).json();
  const mine = audit.items.filter((r: { target: { title?: string } }) => r.target.title?.includes(tag));
  expect(mine.map((r: { actor: string; outcome: string }) => [r.actor, r.outcome])).toEqual([
    [E2E_USERS.admin.email, "resolved"],
    [E2E_USERS.admin.email, "acknowledged"],
  ]);
});

test("the filtered list exports as CSV and JSON; a bad parameter is a 400 naming it", async ({ request }) => {
  const csv = await request.get(`/api/incidents/export?q=${tag}&format=csv`);
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  expect(await csv.text()).toContain(`chat_${tag}.messages`);
  const json = await (await request.get(`/api/incidents/export?q=${tag}&format=json`)).json();
  expect(json.items.length).toBeGreaterThanOrEqual(1);
  const bad = await request.get(`/api/entities/messageId/${msg}?include=everything`);
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.message).toContain('"include"');
});

test("the overview shows incidents per kind, top open incidents and a data-as-of time that can be paused", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByTestId("kinds-chart")).toBeVisible();
  await expect(page.getByTestId("top-open")).toBeVisible();
  const asOf = page.getByTestId("data-as-of");
  await expect(asOf).toHaveAttribute("data-stale", "false");
  await page.getByRole("button", { name: "Pause auto-refresh" }).click();
  await expect(asOf).toHaveAttribute("data-stale", "true", { timeout: 25_000 });
  await page.getByRole("button", { name: "Resume auto-refresh" }).click();
  await expect(asOf).toHaveAttribute("data-stale", "false", { timeout: 10_000 });
});

test.describe("as a viewer", () => {
  test.use({ storageState: storageStateFor("viewer") });
  test("incidents are readable, their status buttons disabled with the role they need, and a forged change is refused", async ({ page, request }) => {
    await page.goto(`/incidents?q=${tag}`);
    await expect(page.getByTestId("incident-row").first()).toBeVisible();
    await expect(page.getByRole("checkbox")).toHaveCount(0);
    await expect(page.getByTestId("role-hint").first()).toHaveText("needs the operator role");
    await page.getByTestId("incident-row").first().getByRole("link").click();
    await expect(page.getByTestId("incident-title")).toBeVisible();
    const resolve = page.getByRole("button", { name: "Resolve" });
    await expect(resolve).toBeDisabled();
    await expect(resolve).toHaveAttribute("title", /needs the operator role/);
    await expect(page.getByRole("group", { name: "Change status" }).getByTestId("role-hint")).toHaveText("needs the operator role");
    const forged = await request.post("/api/incidents/status", { data: { ids: [1], status: "resolved" } });
    expect(forged.status()).toBe(403);
  });
});
