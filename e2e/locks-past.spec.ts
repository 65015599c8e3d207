import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { demoAppDbUrl, storageStateFor } from "./support/e2e-state";
import { createTestAppRole, openSession, randomBigKey, startWaiting, waitUntilWaiting, type Session } from "./support/pg-sessions";

// A moment picked on the chart or the scrubber may precede the first sample of a server started
// a minute ago (this spec run first): the page then says so, still in the past view, never live.
const PAST_VIEW = /\(sampled\), not live|No lock sample at or before \d{2}:\d{2}:\d{2}: not live/;

const sessions: Session[] = [];
const roles: { drop: () => Promise<void> }[] = [];
test.afterAll(async () => {
  await Promise.all(sessions.map((s) => s.end()));
  await Promise.all(roles.map((r) => r.drop()));
});

// LOCKBOARD_SCREENSHOTS=1 also writes the README's Locks screenshots (live and as-of).
const shoot = async (page: Page, name: string) => {
  if (!process.env.LOCKBOARD_SCREENSHOTS) return;
  await page.setViewportSize({ width: 1440, height: 1750 });
  await page.getByLabel("History window").selectOption("15");
  await page.waitForTimeout(500);
  await page.screenshot({ path: `public/screenshots/${name}.png` });
};

type Group = { key: { key?: string }; holders: { pid: number }[]; target: unknown };
const holdersOf = async (request: APIRequestContext, key: string, at?: string): Promise<number[] | null> => {
  const snap = await (await request.get(`/api/locks/demo-pg${at ? `?at=${encodeURIComponent(at)}` : ""}`)).json();
  if (at && !snap.found) return null;
  return snap.advisory?.find((g: Group) => g.key.key === key)?.holders.map((h: { pid: number }) => h.pid) ?? [];
};

test.describe("as an operator", () => {
  test.use({ storageState: storageStateFor("operator") });

  test("/locks?at= shows the sampled holder under an as-of banner after the lock moved on", async ({ page, baseURL }) => {
    const role = await createTestAppRole(demoAppDbUrl(), "lockboard_e2e_past");
    roles.push(role);
    const key = randomBigKey().toString();
    const a = await openSession(role.url, "past-holder-a");
    const w = await openSession(role.url, "past-waiter-w");
    sessions.push(a, w);
    await a.client.query("BEGIN");
    await a.client.query("SELECT pg_advisory_xact_lock($1)", [key]);
    const got = startWaiting(w, "SELECT pg_advisory_lock($1)", [key]);
    await waitUntilWaiting(role.url, [w.pid]);

    // T: a moment the sampler (every 2 s here) has already recorded A holding the key.
    let t = "";
    await expect
      .poll(
        async () => {
          t = new Date().toISOString();
          return holdersOf(page.request, key, t);
        },
        { timeout: 20_000 },
      )
      .toEqual([a.pid]);

    // The guarded Release ends A; W takes the key, and the sampler sees it.
    const live = await (await page.request.get("/api/locks/demo-pg")).json();
    const group = live.advisory.find((g: Group) => g.key.key === key);
    const backend = live.backends.find((b: { pid: number }) => b.pid === a.pid);
    const res = await page.request.post("/api/locks/demo-pg/release", {
      data: { pid: a.pid, backendStart: backend.backendStart, lock: group.target, reason: "e2e: past view after a release" },
      headers: { origin: baseURL! },
    });
    expect((await res.json()).result.outcome).toBe("released");
    expect(await got).toBe("acquired");
    await expect.poll(() => holdersOf(page.request, key, new Date().toISOString()), { timeout: 20_000 }).toEqual([w.pid]);

    await page.goto(`/locks?source=demo-pg&at=${encodeURIComponent(t)}`);
    const banner = page.getByTestId("as-of-banner");
    await expect(banner).toContainText(/As of \d{2}:\d{2}:\d{2} \(sampled\), not live/, { timeout: 20_000 });
    await expect(banner).toContainText(/taken [\d.]+ (ms|s) before the time asked/);
    const row = page.getByTestId("advisory-row").filter({ hasText: key });
    // The holder column (the third) names A; W was only waiting then.
    const holderCell = row.locator("td").nth(2);
    await expect(holderCell).toContainText(`${a.pid} past-holder-a`);
    await expect(holderCell).not.toContainText(String(w.pid));
    await expect(page.locator(`[data-testid="tree-root"][data-pid="${a.pid}"] [data-pid="${w.pid}"]`)).toBeVisible();
    // A past picture offers no action: its holder is gone.
    await expect(row.getByRole("button", { name: "Release" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Terminate" })).toHaveCount(0);
    // The history marks the moment; A's hold starts at its transaction, not later.
    await expect(page.getByTestId("history-chart")).toContainText("as of");
    await expect(page.locator(`[data-testid="hold-span"][data-pid="${a.pid}"]`).first()).toBeAttached();
    await shoot(page, "locks-as-of");

    await banner.getByRole("button", { name: "Back to live" }).click();
    await expect(page).not.toHaveURL(/at=/);
    await expect(page.getByTestId("as-of-banner")).toHaveCount(0);
    const liveHolder = page.getByTestId("advisory-row").filter({ hasText: key }).locator("td").nth(2);
    await expect(liveHolder).toContainText(`${w.pid} past-waiter-w`, { timeout: 20_000 });
    await expect(liveHolder).not.toContainText(String(a.pid));
    await shoot(page, "locks");

    // A click on the chart picks the moment under the pointer.
    const chart = page.getByTestId("history-chart");
    const box = (await chart.boundingBox())!;
    await chart.click({ position: { x: box.width - 90, y: box.height / 2 } });
    await expect(page).toHaveURL(/at=/);
    await expect(page.getByTestId("as-of-banner")).toContainText(PAST_VIEW, { timeout: 20_000 });
    await page.getByTestId("as-of-banner").getByRole("button", { name: "Back to live" }).click();
    await expect(page).not.toHaveURL(/at=/);

    // The scrubber under the chart picks a moment too (one bucket back per key press).
    const scrubber = page.getByLabel("Time scrubber");
    await scrubber.focus();
    await scrubber.press("ArrowLeft");
    await scrubber.press("ArrowLeft");
    await expect(page).toHaveURL(/at=/);
    await expect(page.getByTestId("as-of-banner")).toContainText(PAST_VIEW, { timeout: 20_000 });
  });
});

test("?at= is validated, and before the first sample the answer is empty, not live", async ({ request }) => {
  const bad = await request.get("/api/locks/demo-pg?at=yesterday");
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.message).toContain('"at"');
  const outOfRange = await request.get("/api/locks/demo-pg?at=0999-12-31T00:00:00Z");
  expect(outOfRange.status()).toBe(400);
  const early = await request.get("/api/locks/demo-pg?at=2001-01-01T00:00:00Z");
  expect(early.status()).toBe(200);
  const body = await early.json();
  expect(body).toMatchObject({ sampled: true, found: false, asOf: null });
  expect(body.backends).toBeUndefined();
});

test("the page says when nothing was sampled by then and offers the way back", async ({ page }) => {
  await page.goto("/locks?source=demo-pg&at=2001-01-01T00:00:00Z");
  const banner = page.getByTestId("as-of-banner");
  await expect(banner).toContainText("No lock sample at or before");
  await expect(banner).toContainText("not live");
  await expect(page.getByTestId("advisory-row")).toHaveCount(0);
  await banner.getByRole("button", { name: "Back to live" }).click();
  await expect(page.getByTestId("as-of-banner")).toHaveCount(0);
});

test("an incident's 'Locks at that moment' opens the past picture, not the live one", async ({ page, request }) => {
  let id: number | undefined;
  await expect.poll(async () => (id = (await (await request.get("/api/incidents?limit=1")).json()).items?.[0]?.id), { timeout: 30_000 }).toBeTruthy();
  await page.goto(`/incidents/${id}`);
  await page.getByRole("link", { name: "Locks at that moment" }).click();
  // The incident's own source when it was sampled then, and the moment either way.
  await expect(page).toHaveURL(/\/locks\?(source=[^&]+&)?at=/);
  await expect(page.getByTestId("as-of-banner")).toContainText("not live");
  await expect(page.getByTestId("as-of-banner").getByRole("button", { name: "Back to live" })).toBeVisible();
});
