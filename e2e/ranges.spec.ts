import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { E2E_TOKENS } from "./support/e2e-state";

// Ranges that fit: each time chart's range in the URL, a default fitted to the data, drag-to-zoom.
const tag = `rng${Date.now().toString(36)}`;
const auth = { authorization: `Bearer ${E2E_TOKENS.ingest}`, "content-type": "application/x-ndjson" };
const MIN = 60_000;
const HOUR = 60 * MIN;
const dup = (coll: string, at: number, key = `${tag}-${coll}`) =>
  JSON.stringify({
    time: new Date(at).toISOString(),
    level: "error",
    messageId: key,
    msg: `E11000 duplicate key error collection: ${tag}.${coll} index: messageId_1 dup key: { messageId: "${key}" }`,
  });

async function ingest(request: APIRequestContext, source: string, lines: string[]) {
  const res = await request.post(`/api/ingest?source=${source}`, { headers: auth, data: lines.join("\n") });
  expect(res.status()).toBe(200);
}
async function incidentOf(request: APIRequestContext, source: string): Promise<number> {
  let id: number | undefined;
  await expect.poll(async () => (id = (await (await request.get(`/api/incidents?source=${source}`)).json()).items[0]?.id), { timeout: 15_000 }).toBeTruthy();
  return id!;
}

const spanOf = async (chart: Locator) => {
  const [from, to] = await Promise.all([chart.getAttribute("data-from"), chart.getAttribute("data-to")]);
  return Date.parse(to!) - Date.parse(from!);
};

/** Presses on the chart's plot at `a` (a share of its width), drags to `b`, lets go: Grafana's zoom gesture. */
async function dragAcross(page: Page, chart: Locator, a: number, b: number) {
  await chart.scrollIntoViewIfNeeded();
  const box = (await chart.boundingBox())!;
  const y = box.y + box.height * 0.4;
  await page.mouse.move(box.x + box.width * a, y);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) await page.mouse.move(box.x + box.width * (a + ((b - a) * i) / 8), y);
  await page.mouse.up();
}

test("an incident's histogram opens on its age rounded up to 1h/6h/24h/7d; a drag zooms it (URL and data), Zoom out returns", async ({ page, request }) => {
  const now = Date.now();
  await ingest(request, `${tag}-young`, [dup("young", now - 2 * MIN), dup("young", now - MIN)]);
  await ingest(request, `${tag}-hours`, [dup("hours", now - 3 * HOUR), dup("hours", now - 2 * HOUR)]);
  await ingest(request, `${tag}-days`, [dup("days", now - 50 * HOUR), dup("days", now - 49 * HOUR)]);
  const picked = (page: Page) => page.getByRole("navigation", { name: "Histogram range" }).locator('[aria-current="true"]');

  for (const [source, range, span] of [
    [`${tag}-hours`, "6h", 6 * HOUR],
    [`${tag}-days`, "7d", 168 * HOUR],
  ] as const) {
    await page.goto(`/incidents/${await incidentOf(request, source)}`);
    await expect(picked(page)).toHaveText(range, { timeout: 15_000 });
    await expect(page.getByTestId("range-fitted")).toBeVisible();
    expect(await spanOf(page.getByTestId("incident-histogram"))).toBeGreaterThanOrEqual(span);
  }

  const id = await incidentOf(request, `${tag}-young`);
  await page.goto(`/incidents/${id}`);
  const chart = page.getByTestId("incident-histogram");
  // Two minutes old: the last hour, not a day in which everything sits in one bar.
  await expect(picked(page)).toHaveText("1h", { timeout: 15_000 });
  await expect(page).not.toHaveURL(/range=/);
  const hour = await spanOf(chart);
  expect(hour).toBeGreaterThanOrEqual(HOUR);
  expect(hour).toBeLessThan(HOUR + 5 * MIN);
  await expect(chart.locator(".recharts-bar-rectangle").first()).toBeVisible();

  const zoomed = page.waitForResponse((r) => r.url().includes(`/api/incidents/${id}?`) && r.url().includes("from=") && r.status() === 200);
  await dragAcross(page, chart, 0.55, 0.99);
  await expect(page).toHaveURL(/from=.*&to=|to=.*&from=/);
  await zoomed;
  await expect(page.getByTestId("zoom-window")).toBeVisible();
  await expect.poll(() => spanOf(chart), { timeout: 15_000 }).toBeLessThan(HOUR * 0.6);
  await expect(picked(page)).toHaveCount(0);
  // The window is in the URL: a reload shows the same data.
  const url = page.url();
  const before = await spanOf(chart);
  await page.reload();
  await expect.poll(() => spanOf(page.getByTestId("incident-histogram")), { timeout: 15_000 }).toBe(before);
  expect(page.url()).toBe(url);

  await page.getByRole("button", { name: "Zoom out" }).click();
  await expect(page).not.toHaveURL(/from=/);
  await expect.poll(() => spanOf(chart), { timeout: 15_000 }).toBeGreaterThanOrEqual(HOUR);

  // A window with no events says so rather than drawing zeros.
  await page.goto(`/incidents/${id}?from=${new Date(now - 10 * HOUR).toISOString()}&to=${new Date(now - 9 * HOUR).toISOString()}`);
  await expect(page.getByTestId("incident-histogram").getByTestId("chart-no-data")).toHaveText("No events in this window.");
});

test("the Overview's range is in the URL, fitted to the data by default, zoomable, and says when there is no data", async ({ page, request }) => {
  // The fitted default: the smallest of 15m/1h/6h/24h reaching back to the oldest incident active in the last day.
  const recent = (await (await request.get("/api/incidents?range=24h&limit=500")).json()).items as { firstSeen: string }[];
  const oldest = Math.min(...recent.map((i) => Date.parse(i.firstSeen)));
  const age = Date.now() - oldest;
  const presets: [string, number][] = [
    ["15m", 15 * MIN],
    ["1h", HOUR],
    ["6h", 6 * HOUR],
    ["24h", 24 * HOUR],
  ];
  const expected = presets.find(([, ms]) => ms >= age)?.[0] ?? "24h";

  await page.goto("/");
  const ranges = page.getByRole("navigation", { name: "Range" });
  const chart = page.getByTestId("kinds-chart");
  await expect(page.getByTestId("range-fitted")).toBeVisible({ timeout: 15_000 });
  await expect(ranges.locator('[aria-pressed="true"]')).toHaveText(expected);
  // The demo's data fills the chart: the window reaches back no further than the preset that fits,
  // its start aligned down to a whole bucket (30 min at 24h).
  const { range } = (await (await request.get("/api/overview")).json()) as { range: { bucketMs: number; preset: string } };
  expect(range.preset).toBe(expected);
  expect(await spanOf(chart)).toBeLessThanOrEqual(presets.find(([r]) => r === expected)![1] + range.bucketMs);

  await ranges.getByRole("button", { name: "1h" }).click();
  await expect(page).toHaveURL(/[?&]range=1h/);
  await page.reload();
  await expect(ranges.getByRole("button", { name: "1h" })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByTestId("range-fitted")).toHaveCount(0);
  await expect.poll(() => spanOf(chart), { timeout: 15_000 }).toBeGreaterThanOrEqual(HOUR);

  await dragAcross(page, chart, 0.5, 0.95);
  await expect(page).toHaveURL(/from=/);
  await expect(page).toHaveURL(/range=1h/);
  await expect.poll(() => spanOf(chart), { timeout: 15_000 }).toBeLessThan(HOUR * 0.6);
  await expect(ranges.locator('[aria-pressed="true"]')).toHaveCount(0);
  await page.getByRole("button", { name: "Zoom out" }).click();
  await expect(page).not.toHaveURL(/from=/);
  await expect(ranges.getByRole("button", { name: "1h" })).toHaveAttribute("aria-pressed", "true");

  // Before Lockboard had any source there is no data: said, not drawn as zeros.
  await page.goto("/?from=2020-01-01T00:00:00.000Z&to=2020-01-01T06:00:00.000Z");
  await expect(page.getByTestId("kinds-chart").getByTestId("chart-no-data")).toContainText("No data yet", { timeout: 15_000 });
});

test("an entity whose events all fall in one bucket still gets its bar, and a drag narrows the timeline", async ({ page, request }) => {
  const key = `${tag}-single`;
  const at = Date.now() - 30_000;
  await ingest(request, `${tag}-entity`, [dup("single", at, key), dup("single", at + 200, key)]);
  await page.goto(`/entities/messageId/${key}`);
  await expect(page.getByTestId("timeline-item").first()).toBeVisible({ timeout: 15_000 });
  const chart = page.getByTestId("density-chart");
  const bar = chart.locator(".recharts-bar-rectangle path").first();
  await expect(bar).toBeVisible();
  await expect.poll(async () => (await bar.boundingBox())?.width ?? 0).toBeGreaterThan(2);
  await expect.poll(async () => (await bar.boundingBox())?.height ?? 0).toBeGreaterThan(2);

  const narrowed = page.waitForResponse((r) => r.url().includes(`/api/entities/messageId/${key}`) && r.url().includes("from="));
  await dragAcross(page, chart, 0.3, 0.95);
  await expect(page).toHaveURL(/from=/);
  expect((await narrowed).status()).toBe(200);
  await page.getByRole("button", { name: "Zoom out" }).click();
  await expect(page).not.toHaveURL(/from=/);
});

test("Capacity and the locks history keep their range and a zoom in the URL", async ({ page }) => {
  await page.goto("/capacity?range=15m");
  const chart = page.getByTestId("capacity-chart").first();
  await expect(chart.locator(".recharts-wrapper > svg.recharts-surface")).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole("navigation", { name: "Time range" }).locator('[aria-current="true"]')).toHaveText("15m");
  await expect.poll(() => spanOf(chart)).toBe(15 * MIN);
  // The latest quarter: a server started a minute ago has samples there only.
  await dragAcross(page, chart, 0.75, 0.995);
  await expect(page).toHaveURL(/from=.*to=/);
  await expect(page.getByTestId("zoom-window")).toContainText("Zoomed to");
  await expect.poll(() => spanOf(page.getByTestId("capacity-chart").first()), { timeout: 15_000 }).toBeLessThan(10 * MIN);
  await page.getByTestId("zoom-window").getByRole("link", { name: "Zoom out" }).click();
  await expect(page).not.toHaveURL(/from=/);
  await expect(page).toHaveURL(/range=15m/);

  await page.goto("/locks?source=demo-pg");
  await page.getByLabel("History window").selectOption("15");
  await expect(page).toHaveURL(/range=15m/);
  await page.reload();
  await expect(page.getByLabel("History window")).toHaveValue("15");
  const history = page.getByTestId("history-chart");
  await expect(history.locator(".recharts-wrapper > svg.recharts-surface")).toBeVisible({ timeout: 20_000 });
  await expect.poll(() => spanOf(history)).toBe(15 * MIN);
  const narrowed = page.waitForResponse((r) => r.url().includes("/api/locks/demo-pg/history?from=") && r.status() === 200);
  await dragAcross(page, history, 0.6, 0.995);
  await expect(page).toHaveURL(/from=/);
  await expect(page).not.toHaveURL(/at=/);
  // The live tables above refresh and may shift the chart under the pointer (ending the drag
  // early): what holds is a narrower window in the URL, asked of the API.
  const q = new URL(page.url()).searchParams;
  const span = Date.parse(q.get("to")!) - Date.parse(q.get("from")!);
  expect(span).toBeGreaterThan(0);
  expect(span).toBeLessThan(10 * MIN);
  await narrowed;
  await page.getByRole("button", { name: "Zoom out" }).click();
  await expect(page).not.toHaveURL(/from=/);
});

test("custom windows are checked at the edge: both ends, from before to, a bounded span, each a 400 naming the parameter", async ({ request }) => {
  const t = (ms: number) => new Date(Date.now() - ms).toISOString();
  const cases: [string, string][] = [
    [`/api/overview?from=${t(HOUR)}`, '"to"'],
    [`/api/overview?from=${t(HOUR)}&to=${t(2 * HOUR)}`, '"to"'],
    [`/api/overview?from=${t(30 * 24 * HOUR)}&to=${t(0)}`, '"from"'],
    [`/api/capacity?from=${t(30 * 24 * HOUR)}&to=${t(0)}`, '"from"'],
    [`/api/locks/demo-pg/history?from=${t(MIN)}&to=${t(HOUR)}`, '"to"'],
    [`/api/overview?from=soon&to=${t(0)}`, '"from"'],
  ];
  for (const [url, param] of cases) {
    const res = await request.get(url);
    expect(res.status(), url).toBe(400);
    expect((await res.json()).error.message, url).toContain(param);
  }
  expect((await request.get(`/api/overview?from=${t(HOUR)}&to=${t(0)}`)).status()).toBe(200);
});
