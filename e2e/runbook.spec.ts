// Runs against the e2e server's live scenarios: each runbook is written from its own incident.
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";

type Item = { id: number; kind: string; title: string; source: string | null; subject: string | null };

/** The id of the first incident matching `pick`, once the scenarios have produced it. */
async function incidentId(request: APIRequestContext, query: string, pick: (i: Item) => boolean): Promise<number> {
  let id: number | undefined;
  await expect
    .poll(
      async () => {
        const res = await request.get(`/api/incidents?${query}&limit=100`);
        id = ((await res.json()).items as Item[]).find(pick)?.id;
        return id;
      },
      { timeout: 90_000, intervals: [2_000] },
    )
    .toBeDefined();
  return id!;
}

const fact = (page: Page, label: string) => page.getByTestId("runbook-fact").and(page.locator(`[data-label="${label}"]`));

test("session race (PostgreSQL 23505): the runbook names its constraint, table and key and rewrites its statement", async ({ page, request }) => {
  const id = await incidentId(request, "kind=duplicate_key&source=demo-pg", (i) => i.title === "Duplicate key on session_session_uuid_key");
  await page.goto(`/incidents/${id}`);
  const runbook = page.getByTestId("runbook");
  await expect(runbook).toHaveAttribute("data-engine", "postgres", { timeout: 30_000 });
  await expect(fact(page, "Constraint")).toContainText("session_session_uuid_key");
  // The table comes from the source database's own catalog (demo-pg has a connection).
  await expect(fact(page, "Table")).toContainText("session");
  await expect(fact(page, "Table")).toContainText("from pg_constraint on demo-pg");
  await expect(fact(page, "Key column")).toContainText("session_uuid");
  await expect(fact(page, "Failing statement")).toContainText("INSERT INTO session (session_uuid, website_id) VALUES ($1, $2)");

  const [nothing, upsert] = [runbook.getByTestId("runbook-diff").nth(0), runbook.getByTestId("runbook-diff").nth(1)];
  await expect(nothing.locator('[data-op="same"]').first()).toContainText("INSERT INTO session (session_uuid, website_id) VALUES ($1, $2)");
  await expect(nothing.locator('[data-op="added"]')).toContainText("ON CONFLICT (session_uuid) DO NOTHING");
  await expect(upsert.locator('[data-op="added"]')).toContainText("ON CONFLICT (session_uuid) DO UPDATE SET website_id = EXCLUDED.website_id");
  // Only PostgreSQL steps on a PostgreSQL incident, and nothing about another table.
  await expect(runbook).not.toContainText(/MongoDB|updateOne|\$setOnInsert|messages/);
});

test("LibreChat E11000: the runbook names collection and index and writes the updateOne upsert on that key", async ({ page, request }) => {
  const id = await incidentId(request, "kind=duplicate_key&source=librechat-api", (i) => i.title.includes("LibreChat.messages index messageId_1"));
  await page.goto(`/incidents/${id}`);
  const runbook = page.getByTestId("runbook");
  await expect(runbook).toHaveAttribute("data-engine", "mongodb", { timeout: 30_000 });
  await expect(fact(page, "Collection")).toContainText("messages");
  await expect(fact(page, "Database")).toContainText("LibreChat");
  await expect(fact(page, "Index")).toContainText("messageId_1");
  await expect(fact(page, "Key field")).toContainText("messageId");
  const shell = runbook.getByTestId("runbook-code").first();
  await expect(shell).toContainText("db.messages.updateOne(");
  await expect(shell).toContainText(/\{ messageId: "[0-9a-f-]{36}" \}/);
  await expect(shell).toContainText("$setOnInsert");
  await expect(shell).toContainText("{ upsert: true }");
  await expect(runbook).toContainText("code 11000");
  await expect(runbook).not.toContainText(/ON CONFLICT|INSERT INTO|pg_/);
});

test("lock timeouts: the runbook names the lock and its holder and points at the guarded Release", async ({ page, request }) => {
  const id = await incidentId(request, "kind=lock_timeout&source=demo-pg", () => true);
  await page.goto(`/incidents/${id}`);
  const runbook = page.getByTestId("runbook");
  await expect(fact(page, "Lock taken by")).toContainText("pg_advisory_xact_lock(hashtextextended('user-metadata:' || $1, 0))", { timeout: 30_000 });
  // The stalled memory worker holds it (from the lock samples), unless someone just released it.
  await expect(runbook.getByTestId("runbook-fact").filter({ hasText: "memory-worker" }).first()).toBeVisible({ timeout: 30_000 });
  await expect(runbook).toContainText("Lockboard's Release");
  await expect(runbook.getByRole("link", { name: /Locks on demo-pg at that moment/ })).toHaveAttribute("href", /\/locks\?source=demo-pg&at=/);
  await expect(runbook).not.toContainText(/MongoDB|updateOne/);

  const appId = await incidentId(request, "kind=lock_timeout&source=memory-service", () => true);
  await page.goto(`/incidents/${appId}`);
  await expect(fact(page, "Advisory lock key")).toContainText(/\d{6,}/, { timeout: 30_000 });
});

test("EMFILE on the model server: the runbook names the process and its RLIMIT_NOFILE", async ({ page, request }) => {
  const id = await incidentId(request, "kind=fd_exhaustion&source=model-server", () => true);
  await page.goto(`/incidents/${id}`);
  const runbook = page.getByTestId("runbook");
  await expect(fact(page, "Process")).toContainText("fd_exhaustion.py", { timeout: 30_000 });
  await expect(fact(page, "RLIMIT_NOFILE")).toContainText("soft 64");
  await expect(runbook).toContainText("LimitNOFILE=65536");
  await expect(runbook).toContainText("ulimit -n");
});
