import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { demoAppDbUrl, E2E_TOKENS, E2E_USERS, serverLogFile, storageStateFor } from "./support/e2e-state";

test.describe("signed out", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("pages redirect to sign-in, APIs answer 401, a wrong password says nothing about the account", async ({ page, request }) => {
    await page.goto("/locks");
    await expect(page).toHaveURL(/\/sign-in\?next=%2Flocks/);
    expect((await request.get("/api/incidents")).status()).toBe(401);
    expect((await request.post("/api/sources", { data: {} })).status()).toBe(401);

    const attempt = async (email: string) => {
      await page.getByLabel("E-mail").fill(email);
      await page.getByLabel("Password").fill("definitely-wrong-password");
      const answer = page.waitForResponse("**/api/auth/sign-in/email");
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      const res = await answer;
      await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeEnabled();
      return { status: res.status(), body: await res.text(), shown: await page.getByTestId("sign-in-error").textContent() };
    };
    const known = await attempt(E2E_USERS.operator.email);
    const unknown = await attempt("nobody-here@e2e.lockboard.test");
    expect(known.shown).toBe("Wrong e-mail or password.");
    expect(unknown).toEqual(known);
  });
});

test.describe("as a viewer", () => {
  test.use({ storageState: storageStateFor("viewer") });

  test("reads everything, sees the actions disabled with the role they need, and a forged request is refused", async ({ page, request }) => {
    await page.goto("/");
    await expect(page.getByTestId("user-role")).toHaveText("viewer");
    await page.goto("/settings");
    await expect(page.getByText("Settings are for admins")).toBeVisible();
    await expect(page.getByRole("button", { name: "Create token" })).toHaveCount(0);

    const forged = await request.post("/api/sources", { data: { name: "forged", kind: "log" } });
    expect(forged.status()).toBe(403);
    expect((await forged.json()).error.message).toContain("admin");
    expect((await request.post("/api/tokens", { data: { name: "x", scope: "ingest" } })).status()).toBe(403);
    expect((await request.get("/api/audit")).status()).toBe(200);

    const messageId = `viewer-${Date.now()}`;
    const pushed = await request.post("/api/failed-writes", {
      headers: { authorization: `Bearer ${E2E_TOKENS.failedWrites}` },
      data: {
        source: "demo-mongo",
        namespace: "LibreChat.messages",
        operation: "insert",
        key: { messageId },
        document: { messageId, text: "x" },
        error: "E11000 duplicate key error",
        occurredAt: new Date().toISOString(),
      },
    });
    expect(pushed.status()).toBe(201);
    const [id] = (await pushed.json()).ids;
    await page.goto(`/failed-writes?q=${messageId}&id=${id}`);
    await expect(page.getByText(messageId).first()).toBeVisible();
    // Every replay button is there, disabled, and the page says why.
    const replays = page.getByRole("button", { name: /Replay/ });
    await expect(replays.first()).toBeVisible();
    for (const b of await replays.all()) {
      await expect(b).toBeDisabled();
      await expect(b).toHaveAttribute("title", /needs the operator role/);
    }
    await expect(page.getByTestId("role-hint").first()).toHaveText("needs the operator role");
    const forgedReplay = await request.post(`/api/failed-writes/${id}/replay`, { data: {} });
    expect(forgedReplay.status()).toBe(403);

    // A held advisory lock is visible to a viewer, its Release (and any Cancel or Terminate) disabled, saying why.
    const holder = new pg.Client({ connectionString: demoAppDbUrl(), application_name: "viewer-check" });
    await holder.connect();
    try {
      const key = String(900_000_000 + Math.floor(Math.random() * 1e6));
      await holder.query("SELECT pg_advisory_lock($1::bigint)", [key]);
      await page.goto("/locks");
      await page.getByRole("tab", { name: /demo-pg/ }).click();
      await expect(page.getByTestId("advisory-row").filter({ hasText: key })).toBeVisible({ timeout: 15_000 });
      const release = page.getByTestId("advisory-row").filter({ hasText: key }).getByRole("button", { name: "Release" });
      await expect(release).toBeDisabled();
      await expect(release).toHaveAttribute("title", /needs the operator role/);
      for (const b of await page.getByRole("button", { name: /^(Release|Cancel query|Terminate)$/ }).all()) await expect(b).toBeDisabled();
      await expect(page.getByTestId("role-hint").first()).toBeVisible();
    } finally {
      await holder.end();
    }
  });
});

test("an admin creates and revokes a token; secrets never reach responses, pages or logs", async ({ page, request, baseURL }) => {
  const password = `pw-${Date.now()}-secret`;
  const url = `postgresql://app:${password}@127.0.0.1:5432/postgres`;
  expect(
    (await request.post("/api/sources", { data: { name: `secret-src-${Date.now()}`, kind: "postgres", url }, headers: { origin: baseURL! } })).status(),
  ).toBe(201);

  await page.goto("/settings");
  await page.getByLabel("Token name").fill("e2e pusher");
  await page.getByLabel("Token scope").selectOption("ingest");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").locator("code").textContent())!;
  expect(token).toMatch(/^lbt_in_/);

  const bodies: string[] = [];
  for (const path of ["/", "/capacity", "/settings", "/audit", "/incidents", "/locks", "/failed-writes"]) {
    bodies.push(await (await request.get(path)).text());
  }
  for (const path of ["/api/sources", "/api/tokens", "/api/audit", "/api/sources/health", "/api/capacity", "/api/users"]) {
    bodies.push(await (await request.get(path)).text());
  }
  await page.reload();
  bodies.push(await page.content());
  for (const b of bodies) {
    expect(b).not.toContain(password);
    expect(b).not.toContain(token.slice(8));
    for (const u of Object.values(E2E_USERS)) expect(b).not.toContain(u.password);
  }

  const row = page.getByTestId("token-row").filter({ hasText: "e2e pusher" });
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(row).toContainText("revoked");

  await page.goto("/audit?action=token.revoke");
  await expect(page.getByTestId("audit-row").first()).toContainText(E2E_USERS.admin.email);
  const csv = await request.get("/api/audit/export?format=csv&action=token.create");
  expect(csv.headers()["content-type"]).toContain("text/csv");
  expect(await csv.text()).toContain("e2e pusher");

  const log = readFileSync(serverLogFile(), "utf8");
  expect(log.length).toBeGreaterThan(0);
  expect(log).not.toContain(password);
  expect(log).not.toContain(token.slice(8));
  for (const u of Object.values(E2E_USERS)) expect(log).not.toContain(u.password);
});

test.describe("single sign-on", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("signs in through the OpenID Connect issuer, with the role the issuer mapping gives", async ({ page }) => {
    const newcomer = `sso-${Date.now()}`;
    for (const [login, role] of [
      ["sso-operator@sso.lockboard.test", "operator"],
      [newcomer, "viewer"],
    ] as const) {
      await page.context().clearCookies();
      await page.goto("/sign-in");
      await page.getByRole("button", { name: "Sign in with Test issuer" }).click();
      // The issuer's own login page (oidc-provider's development interaction).
      await page.locator('input[name="login"]').fill(login);
      await page.locator('input[name="password"]').fill("anything");
      await page.locator('button[type="submit"]').click();
      await expect(page.getByTestId("user-role")).toHaveText(role, { timeout: 15_000 });
      await expect(page.getByTestId("user-menu")).toContainText(login.includes("@") ? login : `${login}@sso.lockboard.test`);
    }
    // The account single sign-on created is audited like one an admin adds.
    const audit = await (await page.request.get("/api/audit?action=user.create&actor=sso:oidc")).json();
    expect(audit.items).toContainEqual(
      expect.objectContaining({
        action: "user.create",
        actor: "sso:oidc",
        target: expect.objectContaining({ email: `${newcomer}@sso.lockboard.test`, role: "viewer" }),
      }),
    );
  });
});
