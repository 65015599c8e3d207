// Retention on the e2e server's own store, for real: lines from 12 days ago (inside the server's
// 14 days) are stored in their day's partition and counted into their incident; then an operator
// lowers the retention to 10 days and runs the pass (`npm run retention`), which drops that day.
import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { E2E_TOKENS, readE2EState } from "./support/e2e-state";

const auth = { authorization: `Bearer ${E2E_TOKENS.ingest}` };
const tag = `ret${Date.now().toString(36)}`;

test("an incident whose events aged out keeps its count and says its oldest events are gone; Settings shows the store's size", async ({ page, request }) => {
  test.setTimeout(120_000);
  const old = Date.now() - 12 * 86_400_000;
  const res = await request.post(`/api/ingest?source=${tag}`, {
    headers: { ...auth, "content-type": "application/x-ndjson" },
    data: [1, 2, 3].map((i) => JSON.stringify({ level: "error", msg: `sorry, too many clients already (${tag})`, time: old + i * 1_000 })).join("\n"),
  });
  expect(await res.json()).toMatchObject({ accepted: 3, inserted: 3 });
  const incident = async () => (await (await request.get(`/api/incidents?source=${tag}&limit=5`)).json()).items[0];
  await expect.poll(incident).toMatchObject({ count: 3 });
  const { id } = await incident();
  expect((await (await request.get(`/api/incidents/${id}/events`)).json()).items).toHaveLength(3);

  const out = execFileSync("node_modules/.bin/tsx", ["--conditions=react-server", "scripts/retention.ts"], {
    env: { ...process.env, DATABASE_URL: readE2EState().databaseUrl, LOCKBOARD_EVENT_RETENTION_DAYS: "10" },
    encoding: "utf8",
  });
  const day = new Date(old).toISOString().slice(0, 10).replace(/-/g, "");
  expect(out).toContain(`Event_signal_p${day}`);

  const detail = await (await request.get(`/api/incidents/${id}`)).json();
  expect(detail.eventsGone).toMatchObject({ keptFrom: expect.any(String) });
  expect((await (await request.get(`/api/incidents/${id}/events`)).json()).items).toEqual([]);
  expect((await incident()).count).toBe(3);

  await page.goto(`/incidents/${id}?range=all`);
  await expect(page.getByTestId("incident-counts")).toContainText("3 events");
  await expect(page.getByTestId("events-gone")).toContainText(/events are kept \d+ days/);

  // The storage figures are shared for 10 s between callers: wait for a reading taken after the pass.
  await expect
    .poll(async () => (await (await request.get("/api/health")).json()).storage?.classes?.[0]?.keptFrom ?? null, { timeout: 30_000, intervals: [2_000] })
    .not.toBeNull();
  await page.goto("/settings");
  const classes = page.getByTestId("storage-class");
  await expect(classes.filter({ hasText: "LOCKBOARD_EVENT_RETENTION_DAYS" })).toContainText(/1[04] days/);
  await expect(classes.filter({ hasText: "LOCKBOARD_NOISE_RETENTION_DAYS" })).toContainText("3 days");
  await expect(page.getByTestId("storage-size")).toHaveText(/\d+(\.\d)? (kB|MB|GB)/);
  await expect(page.getByTestId("storage-bytes-per-event")).toHaveText(/^\d[\d,]*$/);
  await expect(classes.filter({ hasText: "LOCKBOARD_EVENT_RETENTION_DAYS" }).getByTestId("storage-oldest")).toContainText("dropped");
});
