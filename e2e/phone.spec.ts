import { expect, test, type Page } from "@playwright/test";
import pg from "pg";
import { demoAppDbUrl, storageStateFor } from "./support/e2e-state";

// An operator on a 390 × 844 phone.
test.use({ viewport: { width: 390, height: 844 }, storageState: storageStateFor("operator") });

const WIDTH = 390;
const scrollWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

test("the navigation folds behind a menu button that opens it and closes on the way to a page", async ({ page }) => {
  await page.goto("/");
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(nav).toBeHidden();
  const menu = page.getByRole("button", { name: "Open menu" });
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await menu.click();
  await expect(nav).toBeVisible();
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  await nav.getByRole("link", { name: "Capacity" }).click();
  await expect(page).toHaveURL(/\/capacity/);
  await expect(page.getByRole("heading", { name: "Capacity" })).toBeVisible();
  await expect(nav).toBeHidden();
  // Escape closes it too.
  await menu.click();
  await expect(nav).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(nav).toBeHidden();
});

test("no main page scrolls sideways: content takes the phone's width, tables scroll inside their card", async ({ page, request }) => {
  // One incident of every kind there is by now: each kind's page has panels of its own (a runbook,
  // a lock holder's query, related failed writes with long keys) that could widen it.
  const listed = (await (await request.get("/api/incidents?limit=200")).json()).items as { id: number; kind: string }[];
  const incidents = [...new Map(listed.map((i) => [i.kind, i] as const)).values()];
  expect(incidents.length).toBeGreaterThan(0);
  const pages: [string, string][] = [
    ["/", "Overview"],
    ["/incidents", "Incidents"],
    ["/entities", "Entities"],
    ["/locks", "Locks"],
    ["/capacity", "Capacity"],
    ["/failed-writes", "Failed writes"],
    ["/sources", "Sources"],
    ["/audit", "Audit"],
    ["/settings", "Settings"],
  ];
  for (const [path, heading] of pages) {
    await page.goto(path);
    await expect(page.getByRole("heading", { name: heading, exact: true }).first()).toBeVisible({ timeout: 20_000 });
    // Let the page's data arrive (tables are what used to widen it), then measure.
    await page.waitForLoadState("networkidle").catch(() => {});
    await expect.poll(() => scrollWidth(page), { message: path, timeout: 10_000 }).toBeLessThanOrEqual(WIDTH);
  }
  for (const incident of incidents) {
    await page.goto(`/incidents/${incident.id}`);
    await expect(page.getByTestId("incident-title")).toBeVisible({ timeout: 20_000 });
    await expect(page.getByTestId("incident-histogram").locator(".recharts-wrapper > svg.recharts-surface")).toBeVisible();
    await page.waitForLoadState("networkidle").catch(() => {});
    await expect.poll(() => scrollWidth(page), { message: `incident page of a ${incident.kind} incident (#${incident.id})` }).toBeLessThanOrEqual(WIDTH);
  }
});

test("a Capacity chart renders at the phone's width", async ({ page }) => {
  await page.goto("/capacity");
  const surface = page.getByTestId("capacity-chart").first().locator(".recharts-wrapper > svg.recharts-surface");
  await expect(surface).toBeVisible({ timeout: 20_000 });
  const box = (await surface.boundingBox())!;
  expect(box.width).toBeGreaterThan(200);
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(WIDTH);
});

test("the Release dialog opens inside the viewport and Keep it closes it", async ({ page }) => {
  const holder = new pg.Client({ connectionString: demoAppDbUrl(), application_name: "phone-check" });
  await holder.connect();
  try {
    const key = String(910_000_000 + Math.floor(Math.random() * 1e6));
    await holder.query("SELECT pg_advisory_lock($1::bigint)", [key]);
    await page.goto("/locks?source=demo-pg");
    const row = page.getByTestId("advisory-row").filter({ hasText: key });
    await expect(row).toBeVisible({ timeout: 20_000 });
    await row.getByRole("button", { name: "Release" }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog).toBeVisible();
    const box = (await dialog.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(WIDTH);
    expect(box.y + box.height).toBeLessThanOrEqual(844);
    const keep = dialog.getByRole("button", { name: "Keep it" });
    await keep.scrollIntoViewIfNeeded();
    await expect(keep).toBeInViewport();
    await keep.click();
    await expect(dialog).toHaveCount(0);
  } finally {
    await holder.end();
  }
});

test("the header's health summary fits on one line and opens the list of sources", async ({ page }) => {
  await page.goto("/");
  const summary = page.getByTestId("health-summary");
  await expect(summary).toContainText(/\d+ sources?/, { timeout: 15_000 });
  const box = (await summary.boundingBox())!;
  expect(box.height).toBeLessThan(36);
  expect(box.x + box.width).toBeLessThanOrEqual(WIDTH);
  await summary.click();
  const list = page.getByTestId("health-list");
  await expect(list.getByText("Store: ok")).toBeVisible();
  const listBox = (await list.boundingBox())!;
  expect(listBox.x + listBox.width).toBeLessThanOrEqual(WIDTH);
  await expect.poll(() => scrollWidth(page)).toBeLessThanOrEqual(WIDTH);
});
