// The Audit page a person can read (issue 19): one sentence per row with the decoded advisory
// key, the holder's pid and the source; select filters in the URL; the record behind a
// disclosure; fixed columns that fit a 1,182 px window.
import { expect, test } from "@playwright/test";
import { demoAppDbUrl, E2E_USERS, storageStateFor } from "./support/e2e-state";
import { createTestAppRole, openSession, randomBigKey, startWaiting, waitUntilWaiting, type Session } from "./support/pg-sessions";

const sessions: Session[] = [];
const roles: { drop: () => Promise<void> }[] = [];
test.afterAll(async () => {
  await Promise.all(sessions.map((s) => s.end()));
  await Promise.all(roles.map((r) => r.drop()));
});

test.use({ storageState: storageStateFor("operator"), viewport: { width: 1182, height: 900 } });

test("a lock release reads as one sentence, the filters are selects kept in the URL, and the table fits", async ({ page }) => {
  const role = await createTestAppRole(demoAppDbUrl(), "lockboard_e2e_audit");
  roles.push(role);
  const key = randomBigKey().toString();
  const holder = await openSession(role.url, "audit-spec-holder");
  const waiter = await openSession(role.url, "audit-spec-waiter");
  sessions.push(holder, waiter);
  await holder.client.query("SELECT pg_advisory_lock($1)", [key]);
  const wait = startWaiting(waiter, "SELECT pg_advisory_lock($1)", [key]);
  await waitUntilWaiting(role.url, [waiter.pid]);

  await page.goto("/locks");
  await page.getByRole("tab", { name: /demo-pg/ }).click();
  const row = page.getByTestId("advisory-row").filter({ hasText: key });
  await expect(row).toBeVisible({ timeout: 20_000 });
  await row.getByRole("button", { name: "Release" }).click();
  const dialog = page.getByRole("dialog", { name: `Release backend ${holder.pid}` });
  const reason = `e2e audit: release ${key}`;
  await dialog.getByLabel("Reason (kept in the audit log)").fill(reason);
  await dialog.getByRole("button", { name: "Confirm release" }).click();
  await expect(page.getByTestId("lock-action-result")).toContainText("released", { timeout: 20_000 });
  expect(await wait).toBe("acquired");

  // One sentence: who, the key as the application passed it (not classid/objid), the holder, the source, how it ended.
  await page.goto("/audit");
  const audit = page.getByTestId("audit-row").filter({ hasText: reason });
  const sentence = audit.getByTestId("audit-sentence");
  await expect(sentence).toHaveText(
    `${E2E_USERS.operator.email} released advisory lock ${key} held by pid ${holder.pid} (audit-spec-holder, role ${role.role}) on demo-pg: terminated; waiter ${waiter.pid} got the lock`,
    { timeout: 15_000 },
  );
  await expect(sentence).not.toContainText("classid");

  // The stored record is behind a disclosure, closed until asked for.
  const json = audit.getByTestId("audit-json");
  await expect(json).toBeHidden();
  await audit.locator("summary").click();
  await expect(json).toBeVisible();
  await expect(json).toContainText('"classid"');
  await expect(json).toContainText(`"pid": ${holder.pid}`);

  // Fixed columns: at 1,182 px nothing pushes Reason and Outcome out of the card, nor the page sideways.
  const overflow = await page.getByTestId("audit-card").evaluate((card) => ({
    card: card.scrollWidth - card.clientWidth,
    page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  }));
  expect(overflow).toEqual({ card: 0, page: 0 });
  for (const name of ["When", "Who", "What happened", "Reason", "Outcome"])
    await expect(page.getByRole("columnheader", { name, exact: true })).toBeInViewport();

  // Filters are selects of what the store holds; each choice is in the URL.
  const filters = page.getByRole("search", { name: "Audit filters" });
  const action = filters.getByLabel("Action");
  await expect(action.locator("option", { hasText: "lock.release" })).toHaveCount(1);
  await action.selectOption("lock.release");
  await expect(page).toHaveURL(/[?&]action=lock\.release/);
  const rows = page.getByTestId("audit-row");
  await expect(rows.first()).toBeVisible();
  await expect.poll(async () => [...new Set(await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-action"))))]).toEqual(["lock.release"]);

  await filters.getByLabel("Who").selectOption(E2E_USERS.operator.email);
  await expect(page).toHaveURL(new RegExp(`actor=${encodeURIComponent(E2E_USERS.operator.email).replace(/\./g, "\\.")}`));
  await filters.getByLabel("Source").selectOption("demo-pg");
  await expect(page).toHaveURL(/source=demo-pg/);
  await filters.getByLabel("When").selectOption("1h");
  await expect(page).toHaveURL(/action=lock\.release&actor=[^&]+&source=demo-pg&range=1h$/);
  await expect(rows.filter({ hasText: reason })).toHaveCount(1);

  // An outcome no lock release of this operator has: the rows change to none.
  const outcomes = await filters
    .getByLabel("Outcome")
    .locator("option")
    .evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
  expect(outcomes).toEqual(expect.arrayContaining(["released", "created"]));
  await filters.getByLabel("Outcome").selectOption("created");
  await expect(page).toHaveURL(/outcome=created/);
  await expect(page.getByText("No actions match these filters.")).toBeVisible();

  // Back undoes the last choice; a reload keeps the rest.
  await page.goBack();
  await expect(page).not.toHaveURL(/outcome=/);
  await expect(rows.filter({ hasText: reason })).toHaveCount(1);
  await page.reload();
  await expect(filters.getByLabel("Action")).toHaveValue("lock.release");
  await expect(filters.getByLabel("Who")).toHaveValue(E2E_USERS.operator.email);
  await expect(filters.getByLabel("Source")).toHaveValue("demo-pg");
  await expect(filters.getByLabel("When")).toHaveValue("1h");
  await expect(rows.filter({ hasText: reason })).toHaveCount(1);

  // The facet route is validated like every other.
  const bad = await page.request.get("/api/audit/facets?from=yesterday");
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.message).toContain('"from"');
});
