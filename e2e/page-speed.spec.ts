import { cpus, loadavg } from "node:os";
import { expect, type Page, test } from "@playwright/test";
import { E2E_TOKENS } from "./support/e2e-state";
import { PAGE_TARGET_MS as TARGET_MS, pageBudgetMs as budgetMs } from "./support/page-budget";

/*
 * Issue 19: every page shows its data within 500 ms of navigation on the demo. This spec measures
 * it on the live demo (the scenarios running at 4x) and prints the figures against that target;
 * it asserts only a budget a loaded CI machine keeps: 3 s, stretched by the run queue per core
 * when the machine has more runnable work than cores (at a load average of 10 on 2 cores, 15 s).
 * Per the house rules a performance target lives in a benchmark, not in a timed assertion that
 * fails whenever the machine is busy: the printed table (and the test's attachment) is the
 * measurement, the budget catches a page that stopped showing its data or takes seconds.
 *
 * "Shows its data": the element each page renders only from its API's answer (a row, a chart, a
 * list) is in the document and visible. The time is taken in the page, from navigation start
 * (performance.now(), whose origin is the navigation's start for a full load, or the click for an
 * in-app one) to the first DOM change that made it visible: no polling interval in the figure.
 */

const tag = `speed${Date.now().toString(36)}`;
const msg = `${tag}-msg`;

type PageCase = { name: string; path: string; data: string };

// In the page before its scripts: records when each watched selector first matches a visible element.
function watchSelectors(selectors: string[]) {
  const w = window as unknown as { __lbSeen: Record<string, number>; __lbArm: (s: string) => number };
  w.__lbSeen = {};
  w.__lbArm = (s) => {
    delete w.__lbSeen[s];
    return performance.now();
  };
  const visible = (el: Element) => (el as HTMLElement).checkVisibility?.() !== false && el.getClientRects().length > 0;
  const check = () => {
    for (const s of selectors) {
      if (w.__lbSeen[s] !== undefined) continue;
      const el = document.querySelector(s);
      if (el && visible(el)) w.__lbSeen[s] = performance.now();
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
}

/** When the page first showed `selector` visible (ms on its performance clock), once Playwright sees it too. */
async function seenAt(page: Page, selector: string): Promise<number> {
  await expect(page.locator(selector).first()).toBeVisible({ timeout: 30_000 });
  let at: number | null = null;
  await expect
    .poll(async () => (at = await page.evaluate((s) => (window as unknown as { __lbSeen: Record<string, number> }).__lbSeen[s] ?? null, selector)))
    .not.toBeNull();
  return at!;
}

test("every page shows its data soon after navigation (printed against the 500 ms target)", async ({ page, request }, testInfo) => {
  test.setTimeout(240_000);
  // Data for the pages that show what was pushed: an incident with an entity, and a failed write.
  const ingest = await request.post(`/api/ingest?source=${tag}-api`, {
    headers: { authorization: `Bearer ${E2E_TOKENS.ingest}`, "content-type": "application/x-ndjson" },
    data: JSON.stringify({
      time: new Date().toISOString(),
      level: "error",
      messageId: msg,
      msg: `E11000 duplicate key error collection: chat_${tag}.messages index: messageId_1 dup key: { messageId: "${msg}" }`,
    }),
  });
  expect(ingest.status()).toBe(200);
  const fw = await request.post("/api/failed-writes", {
    headers: { authorization: `Bearer ${E2E_TOKENS.failedWrites}` },
    data: {
      writes: [
        {
          source: "demo-mongo",
          namespace: "LibreChat.messages",
          operation: "insert",
          key: { messageId: msg },
          document: { messageId: msg, text: "hello" },
          error: { message: `E11000 duplicate key error collection: LibreChat.messages index: messageId_1 dup key: { messageId: "${msg}" }`, code: 11000 },
          occurredAt: new Date().toISOString(),
        },
      ],
    },
  });
  expect(fw.status()).toBe(201);
  const incident = (await (await request.get(`/api/incidents?q=${tag}`)).json()).items[0];
  expect(incident, "the pushed event opened an incident").toBeTruthy();

  const cases: PageCase[] = [
    { name: "Overview", path: "/", data: '[data-testid="top-open"]' },
    { name: "Incidents", path: "/incidents", data: '[data-testid="incident-row"]' },
    { name: "An incident", path: `/incidents/${incident.id}`, data: '[data-testid="incident-counts"]' },
    { name: "An entity timeline", path: `/entities/messageId/${msg}`, data: '[data-testid="timeline-item"]' },
    { name: "Locks", path: "/locks", data: '[data-testid="blocking-tree"], [data-testid="blocking-tree-empty"]' },
    { name: "Capacity", path: "/capacity", data: '[data-testid="capacity-source"]' },
    { name: "Failed writes", path: "/failed-writes", data: '[data-testid="failed-write-row"]' },
    { name: "Audit", path: "/audit", data: '[data-testid="audit-row"]' },
    { name: "Sources", path: "/sources", data: '[data-testid="source-row"]' },
    { name: "Settings", path: "/settings", data: '[data-testid="user-row"]' },
  ];
  await page.addInitScript(
    watchSelectors,
    cases.map((c) => c.data),
  );

  // Warm-up: each route compiled and cached once, as for anyone after the first visitor.
  for (const c of cases) {
    await page.goto(c.path);
    await expect(page.locator(c.data).first()).toBeVisible({ timeout: 60_000 });
  }

  type Row = { page: string; path: string; fullLoadMs: number; firstByteMs: number; domReadyMs: number; apiMs: number | null; inAppMs: number | null };
  const rows: Row[] = [];
  for (const c of cases) {
    await page.goto(c.path, { waitUntil: "commit" });
    const fullLoadMs = await seenAt(page, c.data);
    // Where the time went: the document's first byte, its scripts run (DOMContentLoaded), and the
    // slowest API request the page made before its data showed (Resource Timing).
    const parts = await page.evaluate((until) => {
      const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
      const api = (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).filter(
        (r) => new URL(r.name).pathname.startsWith("/api/") && r.responseEnd <= until + 1,
      );
      return { firstByteMs: nav.responseStart, domReadyMs: nav.domContentLoadedEventEnd, apiMs: api.length ? Math.max(...api.map((r) => r.duration)) : null };
    }, fullLoadMs);
    rows.push({
      page: c.name,
      path: c.path,
      fullLoadMs: Math.round(fullLoadMs),
      firstByteMs: Math.round(parts.firstByteMs),
      domReadyMs: Math.round(parts.domReadyMs),
      apiMs: parts.apiMs === null ? null : Math.round(parts.apiMs),
      inAppMs: null,
    });
  }
  // In-app navigation (the sidebar's links, as an operator moves around): from the previous page.
  await page.goto("/settings");
  await expect(page.locator('[data-testid="user-row"]').first()).toBeVisible({ timeout: 30_000 });
  for (const row of rows) {
    const c = cases.find((x) => x.path === row.path)!;
    const link = page.locator(`nav[aria-label="Main"] a[href="${c.path}"]`).first();
    if (!(await link.isVisible().catch(() => false))) continue; // not in the navigation (an incident, an entity)
    const t0 = await page.evaluate((s) => (window as unknown as { __lbArm: (s: string) => number }).__lbArm(s), c.data);
    await link.click();
    row.inAppMs = Math.round((await seenAt(page, c.data)) - t0);
  }

  const budget = budgetMs();
  const fmt = (ms: number | null) => (ms === null ? "—" : `${ms} ms`);
  const table = [
    `Page speed on the demo (navigation start → the page's data visible; target ${TARGET_MS} ms, budget ${budget} ms)`,
    "| page | path | full load | (first byte | scripts run | slowest API call) | in-app (nav link) | within 500 ms (full / in-app) |",
    "|---|---|---:|---:|---:|---:|---:|---|",
    ...rows.map(
      (r) =>
        `| ${r.page} | ${r.path} | ${fmt(r.fullLoadMs)} | ${fmt(r.firstByteMs)} | ${fmt(r.domReadyMs)} | ${fmt(r.apiMs)} | ${fmt(r.inAppMs)} | ${r.fullLoadMs <= TARGET_MS ? "yes" : "no"} / ${r.inAppMs === null ? "—" : r.inAppMs <= TARGET_MS ? "yes" : "no"} |`,
    ),
    `(load average of the machine running it: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} on ${cpus().length} cores)`,
  ].join("\n");
  console.log(`\n${table}\n`);
  await testInfo.attach("page-speed.md", { body: table, contentType: "text/markdown" });
  await testInfo.attach("page-speed.json", {
    body: JSON.stringify({ targetMs: TARGET_MS, budgetMs: budget, loadAverage: loadavg(), cores: cpus().length, rows }, null, 2),
    contentType: "application/json",
  });

  for (const r of rows) {
    expect.soft(r.fullLoadMs, `${r.page}: full load`).toBeLessThan(budget);
    if (r.inAppMs !== null) expect.soft(r.inAppMs, `${r.page}: in-app navigation`).toBeLessThan(budget);
  }
});
