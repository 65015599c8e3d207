import { expect, test } from "@playwright/test";

test("the shell has the operator's sections and a working store badge", async ({ page }) => {
  await page.goto("/");
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const label of ["Overview", "Incidents", "Locks", "Capacity", "Failed writes", "Audit"]) {
    await expect(nav.getByRole("link", { name: label })).toBeVisible();
  }
  await expect(page.getByTestId("header-health").getByText("Store: ok")).toBeAttached();
  await nav.getByRole("link", { name: "Locks" }).click();
  await expect(page.getByRole("heading", { name: "Locks" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Locks" })).toHaveAttribute("aria-current", "page");

  await page.getByRole("button", { name: "Toggle dark theme" }).click();
  const dark = await page.evaluate(() => document.documentElement.classList.contains("dark"));
  await page.reload();
  expect(await page.evaluate(() => document.documentElement.classList.contains("dark"))).toBe(dark);
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
