import { expect, test } from "@playwright/test";
import { MongoClient } from "mongodb";
import { E2E_TOKENS, readE2EState } from "./support/e2e-state";

const auth = { authorization: `Bearer ${E2E_TOKENS.failedWrites}` };

test("a failed message (E11000 after a retry) is replayed from the Failed writes page and audited", async ({ page, request }) => {
  const { demoMongoUrl } = readE2EState();
  expect(demoMongoUrl, "the e2e server runs with --demo-mongo").toBeTruthy();
  const suffix = Date.now().toString(36);
  const saved = { messageId: `msg-${suffix}`, conversationId: "conv-1", sender: "User", text: "What does E11000 mean?" };
  const lost = { messageId: `msg-${suffix}-b`, conversationId: "conv-1", sender: "GPT", text: "A duplicate key error." };

  // The app's first save went through before the upstream error; its retry then hit E11000.
  const client = await new MongoClient(demoMongoUrl!).connect();
  const messages = client.db("LibreChat").collection("messages");
  await messages.createIndex({ messageId: 1 }, { unique: true });
  await messages.insertOne({ ...saved });

  const submit = (m: typeof saved) => ({
    source: "demo-mongo",
    namespace: "LibreChat.messages",
    operation: "insert",
    key: { messageId: m.messageId },
    document: m,
    error: { message: `E11000 duplicate key error collection: LibreChat.messages index: messageId_1 dup key: { messageId: "${m.messageId}" }`, code: 11000 },
    occurredAt: new Date().toISOString(),
    context: { retries: 1, upstream: "429 from the model API" },
  });

  const bad = await request.post("/api/failed-writes", { headers: auth, data: { ...submit(saved), key: {} } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.message).toContain('"key"');
  expect((await request.post("/api/failed-writes", { data: submit(saved) })).status()).toBe(401);
  const created = await request.post("/api/failed-writes", { headers: auth, data: { writes: [submit(saved), submit(lost)] } });
  expect(created.status()).toBe(201);
  const { ids } = await created.json();
  expect(ids).toHaveLength(2);

  await page.goto(`/failed-writes?q=${saved.messageId}`);
  const row = page.getByTestId("failed-write-row").filter({ hasText: `"messageId":"${saved.messageId}"` });
  await expect(row).toContainText("E11000");
  await expect(row).toContainText("demo");
  await expect(page.getByRole("region", { name: "Error kind duplicate_key" })).toBeVisible();
  await row.getByRole("link").click();
  await expect(page).toHaveURL(/id=\d+/);
  const detail = page.getByRole("complementary", { name: "Failed write detail" });
  await expect(detail.getByTestId("target-diff")).toContainText("The target holds exactly this payload.");
  await detail.getByRole("button", { name: "Replay", exact: true }).click();
  await expect(detail.getByTestId("replay-outcome")).toContainText("already present");
  await expect(detail.getByTestId("fw-status")).toHaveText("already present");
  await expect(detail).toContainText("Attempts (1)");

  // The other message never reached the collection: replaying it applies it, once.
  await page.goto(`/failed-writes?q=${lost.messageId}&id=${ids[1]}`);
  await expect(page.getByRole("complementary", { name: "Failed write detail" })).toContainText("No record with this key.");
  await page.getByRole("button", { name: "Replay", exact: true }).click();
  await expect(page.getByTestId("replay-outcome")).toContainText("applied");
  expect(await messages.countDocuments({ messageId: lost.messageId })).toBe(1);
  await client.close();

  await page.goto("/audit");
  const audit = page.getByTestId("audit-row").filter({ hasText: "replay_failed_writes" });
  await expect(audit.filter({ hasText: "1 already present" }).first()).toBeVisible();
  await expect(audit.filter({ hasText: "1 applied" }).first()).toBeVisible();
});
