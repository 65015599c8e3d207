// Runs against the e2e server started with --scenarios: the five reproductions are live.
import { expect, test } from "@playwright/test";
import { MongoClient } from "mongodb";
import pg from "pg";
import { demoAppDbUrl, readE2EState, storageStateFor } from "./support/e2e-state";

test.use({ storageState: storageStateFor("operator") });

const appDb = demoAppDbUrl;

test("metadata-lock: the stuck advisory lock is released from the Locks page and the waiters then succeed", async ({ page }) => {
  const db = new pg.Client({ connectionString: appDb() });
  await db.connect();
  try {
    const key = (await db.query<{ k: string }>("SELECT hashtextextended('user-metadata:user-4217', 0)::text AS k")).rows[0]!.k;
    await page.goto("/locks");
    await page.getByRole("tab", { name: /demo-pg/ }).click();
    const row = page.getByTestId("advisory-row").filter({ hasText: key });
    await expect(row).toHaveAttribute("data-stuck", "true", { timeout: 30_000 });
    await expect(row).toContainText("memory-worker");

    const releasedAt = new Date();
    await row.getByRole("button", { name: "Release" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Reason (kept in the audit log)").fill("scenario: metadata updates give up after 3 × 200 ms");
    await dialog.getByRole("button", { name: "Confirm release" }).click();
    await expect(page.getByTestId("lock-action-result")).toContainText(/released: ended backend \d+/);

    // The updaters, which gave up while the worker held the lock, now get through.
    await expect
      .poll(async () => (await db.query("SELECT updated_at FROM user_metadata WHERE user_id = 'user-4217'")).rows[0]?.updated_at > releasedAt, {
        timeout: 15_000,
      })
      .toBe(true);
  } finally {
    await db.end();
  }
});

test("message-retry-duplicate: the failed save is replayed and MongoDB holds exactly one document", async ({ page, request }) => {
  let write: { id: number; key: { messageId: string } } | undefined;
  await expect
    .poll(
      async () => {
        const res = await request.get("/api/failed-writes?namespace=LibreChat.messages&status=pending");
        write = (await res.json()).items?.[0];
        return !!write;
      },
      { timeout: 30_000 },
    )
    .toBe(true);

  await page.goto(`/failed-writes?namespace=LibreChat.messages&id=${write!.id}`);
  const detail = page.getByRole("complementary", { name: "Failed write detail" });
  await expect(detail).toContainText(write!.key.messageId);
  await detail.getByLabel("Reason (kept in the audit log)").fill("scenario: replay the save lost to the retry");
  await detail.getByRole("button", { name: "Replay", exact: true }).click();
  await expect(detail.getByTestId("replay-outcome")).toContainText(/already present|conflict/);

  const mongo = await new MongoClient(readE2EState().demoMongoUrl!).connect();
  try {
    expect(await mongo.db("LibreChat").collection("messages").countDocuments({ messageId: write!.key.messageId })).toBe(1);
  } finally {
    await mongo.close();
  }
});

test("session-race: its incident's entity timeline shows the racing inserts of one visitor", async ({ page }) => {
  await page.goto("/incidents?kind=duplicate_key&q=session_session_uuid_key");
  const row = page.getByTestId("incident-row").filter({ hasText: "Duplicate key on session_session_uuid_key" }).filter({ hasText: "demo-pg" });
  await expect(row.first()).toBeVisible({ timeout: 30_000 });
  await row.first().getByRole("link", { name: "Duplicate key on session_session_uuid_key" }).click();
  await expect(page.getByTestId("incident-title")).toHaveText("Duplicate key on session_session_uuid_key");

  const chip = page.getByTestId("entity-chip").filter({ hasText: "session_uuid" }).first();
  const uuid = (await chip.locator("span").nth(1).textContent())!.trim();
  await chip.click();
  await expect(page).toHaveURL(new RegExp(`/entities/session_uuid/${uuid}`));
  const items = page.getByTestId("timeline-item");
  // Several page views of the same new visitor lost the race: one duplicate-key event each.
  await expect(items.first()).toBeVisible();
  expect(await items.count()).toBeGreaterThanOrEqual(2);
  await expect(items.filter({ has: page.getByTestId("source-badge").filter({ hasText: "demo-pg" }) }).first()).toBeVisible();
});
