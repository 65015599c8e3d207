import { expect, test } from "@playwright/test";
import { MongoClient } from "mongodb";
import { E2E_TOKENS, E2E_USERS, readE2EState } from "./support/e2e-state";

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
  // Every replay says why: the button waits for a reason.
  await expect(detail.getByRole("button", { name: "Replay", exact: true })).toBeDisabled();
  await detail.getByLabel("Reason (kept in the audit log)").fill("e2e: the first save went through");
  await detail.getByRole("button", { name: "Replay", exact: true }).click();
  await expect(detail.getByTestId("replay-outcome")).toContainText("already present");
  await expect(detail.getByTestId("fw-status")).toHaveText("already present");
  await expect(detail).toContainText("Attempts (1)");

  // The other message never reached the collection: replaying it applies it, once.
  await page.goto(`/failed-writes?q=${lost.messageId}&id=${ids[1]}`);
  await expect(page.getByRole("complementary", { name: "Failed write detail" })).toContainText("No record with this key.");
  await page.getByLabel("Reason (kept in the audit log)").fill("e2e: the answer was never saved");
  await page.getByRole("button", { name: "Replay", exact: true }).click();
  await expect(page.getByTestId("replay-outcome")).toContainText("applied");
  expect(await messages.countDocuments({ messageId: lost.messageId })).toBe(1);
  await client.close();

  await page.goto("/audit");
  const audit = page.getByTestId("audit-row").filter({ hasText: "replay.run" });
  await expect(audit.filter({ hasText: "1 already present" }).first()).toBeVisible();
  await expect(audit.filter({ hasText: "1 applied" }).first()).toBeVisible();
});

test("the list has column headers; a dry run predicts what the replay then does; a replay needs a reason; the run list says who and from where", async ({
  page,
  request,
}) => {
  const { demoMongoUrl } = readE2EState();
  const tag = `dry-${Date.now().toString(36)}`;
  const msg = (n: string, text: string) => ({ messageId: `${tag}-${n}`, conversationId: "conv-dry", sender: "GPT", text });
  const fresh = msg("fresh", "never saved");
  const same = msg("same", "saved before the error");
  const changed = msg("changed", "what the app meant to save");
  const client = await new MongoClient(demoMongoUrl!).connect();
  const messages = client.db("LibreChat").collection("messages");
  await messages.createIndex({ messageId: 1 }, { unique: true });
  await messages.insertMany([{ ...same }, { ...changed, text: "edited since by the user" }]);
  const submit = (m: typeof fresh) => ({
    source: "demo-mongo",
    namespace: "LibreChat.messages",
    operation: "insert",
    key: { messageId: m.messageId },
    document: m,
    error: { message: `E11000 duplicate key error collection: LibreChat.messages index: messageId_1 dup key: { messageId: "${m.messageId}" }`, code: 11000 },
    occurredAt: new Date().toISOString(),
  });
  const created = await request.post("/api/failed-writes", { headers: auth, data: { writes: [submit(fresh), submit(same), submit(changed)] } });
  expect(created.status()).toBe(201);
  const { ids } = (await created.json()) as { ids: number[] };

  await page.goto(`/failed-writes?q=${tag}`);
  const group = page.getByRole("region", { name: "Error kind duplicate_key" });
  for (const name of ["Failed", "Source", "Namespace", "Key", "Operation", "Error (or last replay error)", "Status"]) {
    await expect(group.getByRole("columnheader", { name, exact: true })).toBeVisible();
  }
  await expect(page.getByTestId("failed-write-row")).toHaveCount(3);
  // At 1,182 px every column, Status included, fits its card.
  await page.setViewportSize({ width: 1182, height: 900 });
  expect(await group.evaluate((el) => el.scrollWidth - el.clientWidth)).toBe(0);
  await group.getByRole("checkbox", { name: "select every duplicate key write shown" }).check();
  await page.getByRole("button", { name: "Replay selected (3)…" }).click();

  const panel = page.getByRole("region", { name: "Replay confirmation" });
  await panel.getByRole("button", { name: "Dry run: what would happen?" }).click();
  const preview = panel.getByTestId("replay-preview");
  await expect(preview.getByTestId("preview-would_apply")).toHaveText("1", { timeout: 20_000 });
  await expect(preview.getByTestId("preview-already_present")).toHaveText("1");
  await expect(preview.getByTestId("preview-conflict")).toHaveText("1");
  await expect(preview).toContainText("Checked all 3 writes");
  const conflicts = preview.getByTestId("preview-conflicts");
  await expect(conflicts).toContainText(changed.messageId);
  await expect(conflicts).toContainText("edited since by the user");
  await expect(conflicts).toContainText(changed.text);
  // The dry run wrote nothing.
  expect(await messages.countDocuments({ messageId: fresh.messageId })).toBe(0);
  expect((await messages.findOne({ messageId: changed.messageId }))?.text).toBe("edited since by the user");
  // The frozen filter previews the same set through the API.
  const byFilter = await request.post("/api/replays/preview", { data: { filter: { q: tag } } });
  expect(await byFilter.json()).toMatchObject({ selected: 3, counts: { would_apply: 1, already_present: 1, conflict: 1 } });

  // No reason, no replay: the button waits, and the API refuses naming the field.
  const start = panel.getByRole("button", { name: "Replay 3" });
  await expect(start).toBeDisabled();
  const refused = await request.post("/api/replays", { data: { ids, expectedCount: 3 } });
  expect(refused.status()).toBe(400);
  expect((await refused.json()).error.message).toContain('"reason"');
  const refusedOne = await request.post(`/api/failed-writes/${ids[0]}/replay`, { data: {} });
  expect(refusedOne.status()).toBe(400);
  expect((await refusedOne.json()).error.message).toContain('"reason"');

  const reason = `e2e ${tag}: the model API's 429s are over`;
  await panel.getByLabel("Reason (kept in the audit log)").fill(reason);
  await start.click();
  const progress = page.getByTestId("replay-progress");
  await expect(progress).toContainText(/: done/, { timeout: 30_000 });
  // What the replay did is what the dry run said.
  await expect(progress).toContainText("1 applied");
  await expect(progress).toContainText("1 already present");
  await expect(progress).toContainText("1 conflict");
  const runId = Number((await progress.textContent())!.match(/Replay #(\d+)/)![1]);
  expect((await (await request.get(`/api/replays/${runId}`)).json()).counts).toEqual({ applied: 1, already_present: 1, conflict: 1 });
  expect(await messages.countDocuments({ messageId: fresh.messageId })).toBe(1);
  await client.close();

  const run = page.locator(`[data-testid="replay-run-row"][data-run-id="${runId}"]`);
  await expect(run.getByTestId("replay-run-by")).toHaveText(`${E2E_USERS.admin.email} from the dashboard`, { timeout: 15_000 });
  await expect(run).toContainText(reason);
  await expect(run).toContainText("1 applied");
  await expect(run.getByTestId("replay-run-by")).toHaveAttribute("title", /replayer .+:\d+:[0-9a-f]{6} \(from the dashboard\)/, { timeout: 15_000 });

  // The replay's audit rows carry the reason too.
  const audit = await (await request.get(`/api/audit?action=replay`)).json();
  const mine = audit.items.filter((r: { target: { replayRunId?: number } }) => r.target.replayRunId === runId);
  expect(mine.map((r: { action: string; reason: string }) => [r.action, r.reason])).toEqual([
    ["replay.run", reason],
    ["replay.start", reason],
  ]);
  expect(mine[1].sentence).toContain("from the dashboard");
});
