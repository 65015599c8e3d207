import { expect, test } from "@playwright/test";
import { demoAppDbUrl, E2E_USERS, storageStateFor } from "./support/e2e-state";
import { createTestAppRole, openSession, randomBigKey, startWaiting, waitUntilWaiting, type Session } from "./support/pg-sessions";

const sessions: Session[] = [];
const roles: { drop: () => Promise<void> }[] = [];
test.afterAll(async () => {
  await Promise.all(sessions.map((s) => s.end()));
  await Promise.all(roles.map((r) => r.drop()));
});

/**
 * The demo database as an ordinary application role: demo-pg does not opt in to ending
 * superuser sessions, so the locks this spec releases are held the way a real app holds them.
 */
async function demoAppUrl(): Promise<string> {
  const role = await createTestAppRole(demoAppDbUrl(), "lockboard_e2e_app");
  roles.push(role);
  return role.url;
}

test.describe("as an operator", () => {
  test.use({ storageState: storageStateFor("operator") });

  test("a stuck advisory lock is highlighted, released with a reason, and audited", async ({ page }) => {
    const url = await demoAppUrl();
    const key = randomBigKey().toString();
    const holder = await openSession(url, "metadata-updater");
    const waiters = [await openSession(url, "metadata-updater"), await openSession(url, "metadata-updater")];
    sessions.push(holder, ...waiters);
    await holder.client.query("SELECT pg_advisory_lock($1)", [key]);
    const waits = waiters.map((w) => startWaiting(w, "SELECT pg_advisory_lock($1)", [key]));
    await waitUntilWaiting(
      url,
      waiters.map((w) => w.pid),
    );

    await page.goto("/locks");
    await page.getByRole("tab", { name: /demo-pg/ }).click();
    const row = page.getByTestId("advisory-row").filter({ hasText: key });
    await expect(row).toHaveAttribute("data-stuck", "true", { timeout: 15_000 });
    await expect(row.getByText("Stuck", { exact: true })).toBeVisible();
    await expect(row).toContainText(String(holder.pid));
    const root = page.locator(`[data-testid="tree-root"][data-pid="${holder.pid}"]`);
    for (const w of waiters) await expect(root.locator(`[data-pid="${w.pid}"]`)).toBeVisible();

    await row.getByRole("button", { name: "Release" }).click();
    const dialog = page.getByRole("dialog", { name: `Release backend ${holder.pid}` });
    await expect(dialog.getByTestId("blast-radius")).toContainText(/Holds \d+ lock/);
    await expect(dialog.getByTestId("blast-radius")).toContainText(/Blocks \d+, \d+/);
    const confirm = dialog.getByRole("button", { name: "Confirm release" });
    await expect(confirm).toBeDisabled();
    await dialog.getByLabel("Reason (kept in the audit log)").fill("e2e: metadata updates time out after 3 retries");
    await confirm.click();

    await expect(page.getByTestId("lock-action-result")).toContainText(/released: ended backend \d+ \(terminate\); waiter \d+ got the lock/);
    expect(await Promise.race(waits)).toBe("acquired");
    // The tree moves on: the old holder is gone, a former waiter holds the key now.
    await expect(root).toHaveCount(0, { timeout: 10_000 });
    await expect(page.getByTestId("advisory-row").filter({ hasText: key })).toContainText(new RegExp(waiters.map((w) => w.pid).join("|")));

    await page.goto("/audit");
    const audit = page.getByTestId("audit-row").filter({ hasText: "e2e: metadata updates time out after 3 retries" });
    await expect(audit).toContainText("lock.release");
    await expect(audit).toContainText("demo-pg");
    await expect(audit).toContainText("released");
    await expect(audit).toContainText(String(holder.pid));
    // Who did it: the signed-in operator, not a shared account.
    await expect(audit).toContainText(E2E_USERS.operator.email);
  });

  test("demo-pg monitors as a superuser but refuses to end a superuser's session, and audits the refusal", async ({ page, baseURL }) => {
    const url = demoAppDbUrl();
    const key = randomBigKey().toString();
    const dba = await openSession(url, "dba-console");
    sessions.push(dba);
    await dba.client.query("SELECT pg_advisory_lock($1)", [key]);
    let target: { lock: unknown; backendStart: string } | undefined;
    await expect
      .poll(
        async () => {
          const snap = await (await page.request.get("/api/locks/demo-pg")).json();
          const group = snap.advisory?.find((g: { key: { key?: string } }) => g.key.key === key);
          const backend = snap.backends?.find((b: { pid: number }) => b.pid === dba.pid);
          target = group && backend ? { lock: group.target, backendStart: backend.backendStart } : undefined;
          return !!target;
        },
        { timeout: 15_000 },
      )
      .toBe(true);
    const res = await page.request.post("/api/locks/demo-pg/release", {
      data: { pid: dba.pid, backendStart: target!.backendStart, lock: target!.lock, reason: "e2e: try the superuser's session" },
      headers: { origin: baseURL! },
    });
    expect(res.status()).toBe(409);
    const body = await res.json();
    expect(body.error.code).toBe("privileged_target");
    expect(body.error.message).toContain("config.allowSuperuserTargets");
    expect((await dba.client.query("SELECT 1 AS ok")).rows[0].ok).toBe(1);
    const audit = await (await page.request.get("/api/audit")).json();
    const row = audit.items.find((i: { reason: string }) => i.reason === "e2e: try the superuser's session");
    expect(row).toMatchObject({ action: "lock.release", outcome: "refused" });
  });
});

test("lock actions need a reason, a same-site request and the lock they name", async ({ request, baseURL }) => {
  const body = { pid: 12345, backendStart: "2026-01-01T00:00:00.000001+00:00", lock: { locktype: "advisory", database: 1, classid: 0, objid: 1, objsubid: 1 } };
  const noReason = await request.post("/api/locks/demo-pg/release", { data: body, headers: { origin: baseURL! } });
  expect(noReason.status()).toBe(400);
  expect((await noReason.json()).error.message).toContain('"reason"');
  const cross = await request.post("/api/locks/demo-pg/release", { data: { ...body, reason: "x" }, headers: { origin: "https://evil.example" } });
  expect(cross.status()).toBe(403);
  const gone = await request.post("/api/locks/demo-pg/release", { data: { ...body, reason: "nobody holds this" }, headers: { origin: baseURL! } });
  expect(gone.status()).toBe(200);
  expect((await gone.json()).result.outcome).toBe("already_released");
  const snap = await request.get("/api/locks/demo-pg?limit=abc");
  expect(snap.status()).toBe(400);
  const unknown = await request.get("/api/locks/no-such-source");
  expect(unknown.status()).toBe(404);
});

test("the Sources page adds a PostgreSQL source and never shows its password", async ({ page }) => {
  const name = `ui-pg-${Date.now()}`;
  await page.goto("/sources");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Connection URL").fill("postgresql://monitor:ui-secret-pw@127.0.0.1:5432/postgres");
  await page.getByRole("button", { name: "Save source" }).click();
  await expect(page.getByRole("status")).toContainText(`Saved ${name}`);
  const row = page.getByTestId("source-row").filter({ hasText: name });
  await expect(row).toContainText("postgresql://monitor:***@127.0.0.1:5432/postgres");
  await expect(page.locator("body")).not.toContainText("ui-secret-pw");
});
