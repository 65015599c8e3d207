import { expect, test } from "@playwright/test";
import pg from "pg";
import { demoAppDbUrl, E2E_USERS, storageStateFor } from "./support/e2e-state";
import { createTestAppRole, openSession, randomBigKey, startWaiting, waitUntilWaiting, type Session } from "./support/pg-sessions";

const sessions: Session[] = [];
const roles: { drop: () => Promise<void> }[] = [];
test.afterAll(async () => {
  await Promise.all(sessions.map((s) => s.end()));
  await Promise.all(roles.map((r) => r.drop()));
});

test.describe("as an operator", () => {
  test.use({ storageState: storageStateFor("operator") });

  test("the Locks page names the user behind the metadata lock, links its timeline, and says what it blocked between samples", async ({ page }) => {
    test.setTimeout(120_000);
    // The demo configures LOCKBOARD_ENTITY_ADVISORY_KEYS for its memory service's lock.
    const db = new pg.Client({ connectionString: demoAppDbUrl() });
    await db.connect();
    const key = (await db.query<{ k: string }>("SELECT hashtextextended('user-metadata:' || 'user-4217', 0)::text AS k")).rows[0]!.k;
    await db.end();

    await page.goto("/locks");
    await page.getByRole("tab", { name: /demo-pg/ }).click();
    // The scenario's worker re-takes the lock a little while after it was released.
    const row = page.getByTestId("advisory-row").filter({ hasText: key }).first();
    await expect(row).toBeVisible({ timeout: 60_000 });
    const entity = row.getByTestId("key-entity");
    await expect(entity).toContainText("userId");
    await expect(entity).toContainText("user-4217");
    // Waiters come in 200 ms bursts: the snapshot rarely shows one, the last minutes do.
    await expect(row.getByTestId("lock-impact")).toContainText(/blocked \d+ \/ [1-9]\d* sessions?/, { timeout: 30_000 });

    await entity.getByRole("link").click();
    await expect(page).toHaveURL(/\/entities\/userId\/user-4217$/);

    // The stuck-lock incident of that key links the lock timeouts it caused in the app's log.
    const list = await (await page.request.get(`/api/incidents?kind=advisory_lock_stuck&source=demo-pg&q=${key}`)).json();
    expect(list.items.length).toBeGreaterThan(0);
    await page.goto(`/incidents/${list.items[0].id}`);
    await expect(page.getByTestId("incident-lock").getByTestId("key-entity")).toContainText("user-4217");
    const related = page.getByTestId("related-incident").filter({ hasText: "Lock timeout" }).filter({ hasText: "via userId=user-4217" });
    await expect(related.first()).toBeVisible({ timeout: 20_000 });
    await expect(related.first()).toContainText("memory-service");
  });

  test("a stuck-lock incident counts per minute, is released from its own page, and resolves itself", async ({ page, request }) => {
    test.setTimeout(120_000);
    const role = await createTestAppRole(demoAppDbUrl(), "lockboard_e2e_stuck");
    roles.push(role);
    const key = randomBigKey().toString();
    const holder = await openSession(role.url, "stuck-e2e-worker");
    const waiter = await openSession(role.url, "stuck-e2e-updater");
    sessions.push(holder, waiter);
    await holder.client.query("SELECT pg_advisory_lock($1)", [key]);
    // Takes the lock and lets go at once when it gets it: after the release nobody holds the key.
    const waited = startWaiting(waiter, "SELECT pg_advisory_lock($1), pg_advisory_unlock($1)", [key]);
    await waitUntilWaiting(role.url, [waiter.pid]);

    let id: number | undefined;
    await expect
      .poll(
        async () => {
          const list = await (await request.get(`/api/incidents?kind=advisory_lock_stuck&source=demo-pg&q=${key}`)).json();
          id = list.items?.[0]?.id;
          return list.items?.[0]?.rate ?? 0;
        },
        { timeout: 30_000 },
      )
      .toBeGreaterThanOrEqual(2);

    await page.goto(`/incidents/${id}?range=1h`);
    await expect(page.getByTestId("incident-title")).toContainText(key);
    // Every lock sample that saw it stuck counts, in the total and in the last hour alike.
    await expect(page.getByTestId("incident-counts")).toContainText(/([2-9]|\d{2,}) stuck samples · ([2-9]|\d{2,}) in the last hour/);
    const detail = await (await request.get(`/api/incidents/${id}?range=1h`)).json();
    const inHistogram = detail.histogram.points.reduce((n: number, p: { count: number }) => n + p.count, 0);
    expect(inHistogram).toBeGreaterThanOrEqual(2);
    expect(detail.spike.count).toBeGreaterThanOrEqual(1);
    expect(detail.spike.count).toBeLessThanOrEqual(inHistogram);
    await expect(page.getByTestId("incident-histogram").locator(".recharts-bar-rectangle").first()).toBeVisible();
    await expect(page.getByTestId("spike-panel")).toContainText("Busiest minute");
    await expect(page.getByTestId("stuck-impact")).toContainText(/blocked \d+ \/ 1 session/);

    const held = page.locator(`[data-testid="stuck-holder"][data-pid="${holder.pid}"]`);
    await held.getByRole("button", { name: "Release" }).click();
    const dialog = page.getByRole("dialog", { name: `Release backend ${holder.pid}` });
    await expect(dialog.getByTestId("blast-radius")).toContainText(`Blocks ${waiter.pid}`);
    await dialog.getByLabel("Reason (kept in the audit log)").fill("e2e: stuck lock released from its incident");
    await dialog.getByRole("button", { name: "Confirm release" }).click();
    await expect(page.getByTestId("lock-action-result")).toContainText(/released: ended backend \d+/);
    expect(await waited).toBe("acquired");

    // The next lock sample sees the lock gone and resolves the incident, naming the release.
    const resolution = page.getByTestId("stuck-resolution");
    await expect(resolution).toContainText(`released by ${E2E_USERS.operator.email} from Lockboard (audit #`, { timeout: 20_000 });
    await expect(page.getByTestId("release-audit-link")).toBeVisible();
    await expect(page.getByTestId("stuck-holders")).toContainText("Nobody holds this lock right now");
    const after = await (await request.get(`/api/incidents/${id}?range=1h`)).json();
    expect(after.incident.status).toBe("resolved");
    expect(after.stuckLock.resolution.releaseAuditId).toEqual(expect.any(Number));
  });
});
