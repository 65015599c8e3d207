// Runs against the e2e server's live scenarios: an incident's context is its own server's first.
import { expect, test, type APIRequestContext } from "@playwright/test";

type Item = { id: number; kind: string; title: string; source: string | null; subject: string | null };

async function incidents(request: APIRequestContext, query: string): Promise<Item[]> {
  return (await (await request.get(`/api/incidents?${query}&limit=100`)).json()).items;
}

test("the session race's spike shows demo-pg first; the stuck lock of another app and the model server's fds only under 'also at that time'", async ({
  page,
  request,
}) => {
  let id: number | undefined;
  await expect
    .poll(async () => (id = (await incidents(request, "kind=duplicate_key&source=demo-pg")).find((i) => i.title.includes("session_session_uuid_key"))?.id), {
      timeout: 90_000,
    })
    .toBeDefined();
  // Wait until the model server has been sampled and a memory worker holds its lock, so there is something unrelated to keep apart.
  await expect
    .poll(
      async () => {
        const d = await (await request.get(`/api/incidents/${id}?range=1h`)).json();
        return Boolean(
          d.context?.capacity.some((c: { source: string }) => c.source === "model-server-fds") &&
          d.context?.locks.some((l: { contendedKeys: unknown[] }) => l.contendedKeys.length > 0),
        );
      },
      { timeout: 90_000, intervals: [3_000] },
    )
    .toBe(true);

  await page.goto(`/incidents/${id}?range=1h`);
  const related = page.getByTestId("spike-related");
  const also = page.getByTestId("spike-also");
  await expect(related.getByTestId("spike-locks").filter({ hasText: "demo-pg" })).toContainText("this incident's source");
  await expect(related.getByTestId("spike-capacity").filter({ hasText: "demo-pg" })).toBeVisible();
  await expect(related).not.toContainText("model-server-fds");
  await expect(related.getByTestId("spike-key")).toHaveCount(0);

  // Folded by default, visibly apart.
  await expect(also).not.toHaveAttribute("open", /.*/);
  await expect(also.locator("summary")).toContainText("Also at that time");
  await also.locator("summary").click();
  await expect(also.getByTestId("spike-capacity").filter({ hasText: "model-server-fds" })).toContainText("another process");
  await expect(also.getByTestId("spike-key").first()).toContainText("memory-worker");
});

test("the model server's EMFILE counts its own process's fds as related", async ({ page, request }) => {
  // Room for both waits below (90 s each at most): the default 60 s cut the sample's wait short on a loaded machine.
  test.setTimeout(200_000);
  let id: number | undefined;
  await expect.poll(async () => (id = (await incidents(request, "kind=fd_exhaustion&source=model-server"))[0]?.id), { timeout: 90_000 }).toBeDefined();
  // The incident can be stored before the capacity sampler's first sample of that process: wait for it, as the first test does.
  await expect
    .poll(
      async () => {
        const d = await (await request.get(`/api/incidents/${id}?range=1h`)).json();
        return d.context?.capacity.find((c: { source: string }) => c.source === "model-server-fds")?.related ?? null;
      },
      { timeout: 90_000, intervals: [3_000] },
    )
    .toBe(true);
  await page.goto(`/incidents/${id}?range=1h`);
  await expect(page.getByTestId("spike-related").getByTestId("spike-capacity").filter({ hasText: "model-server-fds" })).toContainText(
    "watches model-server's process",
    { timeout: 30_000 },
  );
  await expect(page.getByTestId("spike-related")).not.toContainText("demo-mongo");
});

test("incident rows show their source and key: the two 'Lock timeout' rows are told apart", async ({ page, request }) => {
  await expect
    .poll(async () => new Set((await incidents(request, "kind=lock_timeout")).map((i) => i.source)).size, { timeout: 90_000 })
    .toBeGreaterThanOrEqual(2);

  await page.goto("/");
  const rows = page.getByTestId("top-open").locator("li").filter({ hasText: "Lock timeout" });
  await expect.poll(() => rows.count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
  const labels = await rows.evaluateAll((els) =>
    els.map((e) => ({
      source: e.querySelector('[data-testid="incident-row-source"]')?.textContent ?? "",
      subject: e.querySelector('[data-testid="incident-row-subject"]')?.textContent ?? "",
    })),
  );
  expect(labels.map((l) => l.source).sort()).toEqual(expect.arrayContaining(["demo-pg", "memory-service"]));
  const mine = (s: string) => labels.find((l) => l.source === s)!.subject;
  expect(mine("demo-pg")).toBe("pg_advisory_xact_lock(hashtextextended('user-metadata:' || $1, 0))");
  expect(mine("memory-service")).toMatch(/^advisory lock \d+$/);

  await page.goto("/incidents?kind=lock_timeout");
  const listed = page.getByTestId("incident-row");
  await expect(listed.filter({ hasText: "memory-service" }).getByTestId("incident-row-subject")).toHaveText(/^advisory lock \d+$/);
  await expect(listed.filter({ hasText: "demo-pg" }).getByTestId("incident-row-subject")).toContainText("pg_advisory_xact_lock");
});
