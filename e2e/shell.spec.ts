import { expect, test, type Page } from "@playwright/test";

test("the shell has the operator's sections and a working store badge", async ({ page }) => {
  await page.goto("/");
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const label of ["Overview", "Incidents", "Locks", "Capacity", "Failed writes", "Audit"]) {
    await expect(nav.getByRole("link", { name: label })).toBeVisible();
  }
  await expect(page.getByTestId("health-summary")).toContainText(/\d+ sources?/, { timeout: 15_000 });
  await page.getByTestId("health-summary").click();
  await expect(page.getByTestId("header-health").getByText("Store: ok")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("health-list")).toHaveCount(0);
  await nav.getByRole("link", { name: "Locks" }).click();
  await expect(page.getByRole("heading", { name: "Locks", exact: true })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Locks" })).toHaveAttribute("aria-current", "page");
});

// What the operator sees: the body's and the header's computed colours, not a class name.
const colours = (page: Page) =>
  page.evaluate(() => {
    const of = (el: Element | null) => (el ? getComputedStyle(el) : null);
    return { body: of(document.body)?.backgroundColor, text: of(document.body)?.color, header: of(document.querySelector("header"))?.backgroundColor };
  });

test("the header sums up health on one line and opens the store and every source, also from the keyboard", async ({ page, request }) => {
  await page.goto("/");
  const summary = page.getByTestId("health-summary");
  const health = (await (await request.get("/api/sources/health")).json()).items as { name: string; status: string }[];
  const down = health.filter((s) => s.status === "down").length;
  await expect(summary).toContainText(`${health.length} source${health.length === 1 ? "" : "s"}`, { timeout: 15_000 });
  if (down) await expect(summary).toContainText(`${down} down`);
  // One line, however many sources: no chips wrapping into the page.
  expect((await summary.boundingBox())!.height).toBeLessThan(36);
  expect((await page.locator("header").boundingBox())!.height).toBeLessThanOrEqual(49);

  await summary.focus();
  await page.keyboard.press("Enter");
  await expect(summary).toHaveAttribute("aria-expanded", "true");
  const list = page.getByTestId("health-list");
  for (const s of health.slice(0, 5)) await expect(list.getByText(s.name, { exact: false }).first()).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(list).toHaveCount(0);
  await expect(summary).toBeFocused();
  await page.keyboard.press("Space");
  await expect(list).toBeVisible();
  await page.getByRole("heading", { name: "Overview" }).click();
  await expect(list).toHaveCount(0);
});

test("every page has a favicon: /favicon.ico is a real icon, linked from the page", async ({ page, request }) => {
  const res = await request.get("/favicon.ico");
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toMatch(/image\/(x-icon|vnd\.microsoft\.icon)/);
  const body = await res.body();
  // An ICO file: reserved 0, type 1, at least one image.
  expect([body.readUInt16LE(0), body.readUInt16LE(2)]).toEqual([0, 1]);
  expect(body.readUInt16LE(4)).toBeGreaterThan(0);
  await page.goto("/");
  await expect(page.locator('link[rel="icon"]').first()).toHaveAttribute("href", /favicon\.ico/);
});

test("the theme toggle changes the page's colours and the choice survives a reload", async ({ page }) => {
  await page.goto("/");
  const toggle = page.getByRole("button", { name: "Toggle dark theme" });
  await expect(toggle).not.toHaveText("Theme"); // hydrated: a click now reaches React
  const before = await colours(page);
  const wasDark = await page.evaluate(() => document.documentElement.classList.contains("dark"));
  await toggle.click();
  await expect.poll(() => colours(page).then((c) => c.body)).not.toBe(before.body);
  const after = await colours(page);
  expect(after.text).not.toBe(before.text);
  expect(after.header).not.toBe(before.header);
  await expect(toggle).toHaveText(wasDark ? "Dark theme" : "Light theme");

  await page.reload();
  await expect(toggle).not.toHaveText("Theme");
  expect(await colours(page)).toEqual(after);
  await toggle.click();
  await expect.poll(() => colours(page)).toEqual(before);
});

test("a page for something that does not exist says so, and a bad link is not retried", async ({ page }) => {
  const calls: number[] = [];
  page.on("response", (r) => {
    if (new URL(r.url()).pathname === "/api/incidents/999999999") calls.push(r.status());
  });
  await page.goto("/incidents/999999999");
  // Next's route announcer is an (empty) alert too: pick the error notice.
  const alert = page.getByRole("alert").filter({ hasText: "Not found" });
  await expect(alert).toContainText("no incident 999999999");
  await expect(alert).toHaveAttribute("data-error-status", "404");
  await page.waitForTimeout(1_500);
  expect(calls).toEqual([404]);
});

test("GET /api/health reports the store up and migrated", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body).toMatchObject({ status: "ok", store: { reachable: true }, migrations: { applied: true, pending: [] } });
});

test("a bad query parameter is a 400 that names it", async ({ request }) => {
  const res = await request.get("/api/incidents?limit=abc");
  expect(res.status()).toBe(400);
  expect((await res.json()).error.message).toContain('"limit"');
});

test("sources: added through the API, the URL never comes back, bad and cross-site posts refused", async ({ request, baseURL }) => {
  const name = `e2e-pg-${Date.now()}`;
  const url = "postgresql://app:e2e-secret-pw@127.0.0.1:5432/postgres";
  const bad = await request.post("/api/sources", { data: { name, kind: "postgres" } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.message).toContain('"url"');

  const cross = await request.post("/api/sources", { data: { name, kind: "postgres", url }, headers: { origin: "https://evil.example" } });
  expect(cross.status()).toBe(403);

  const ok = await request.post("/api/sources", { data: { name, kind: "postgres", url }, headers: { origin: baseURL! } });
  expect(ok.status()).toBe(201);
  expect((await ok.json()).source.maskedUrl).toBe("postgresql://app:***@127.0.0.1:5432/postgres");
  const listed = await (await request.get("/api/sources")).text();
  expect(listed).toContain(name);
  expect(listed).not.toContain("e2e-secret-pw");

  const big = await request.post("/api/sources", { data: { name, kind: "log", config: { pad: "x".repeat(70_000) } } });
  expect(big.status()).toBe(413);
});
