import { expect, test, type Page } from "@playwright/test";
import { machineLoad, PAGE_TARGET_MS, pageBudgetMs } from "./support/page-budget";

// The live demo (playwright.config.ts): the fd-exhaustion scenario drives model-server (RLIMIT_NOFILE
// 64) into EMFILE every few seconds; model-server-fds reads it from /proc, model-server-metrics from
// its metrics endpoint, both sampled every second. Their EMFILEs arrive in the model-server log.
const FDS = "model-server-fds";
const SAME_PROCESS = [FDS, "model-server-metrics"];

type Metric = { value: number; limit: number | null; saturated: boolean; secondsToExhaustion: number | null; markers: { count: number }[] };
type Overview = { sources: { source: { name: string }; metrics: Metric[] }[] };

/** ms from navigation start to the first paint with a capacity gauge in it (the later of the gauge's first frame and the first contentful paint). */
async function timeToData(page: Page, url: string): Promise<number> {
  await page.goto(url, { waitUntil: "commit" });
  await page.getByTestId("capacity-gauge").first().waitFor();
  const shown = await page
    .waitForFunction(() => (window as unknown as { __capacityVisible?: number }).__capacityVisible)
    .then((h) => h.jsonValue() as Promise<number>);
  const fcp = await page
    .waitForFunction(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime)
    .then((h) => h.jsonValue() as Promise<number>);
  return Math.max(shown, fcp);
}

test("Capacity: the fd scenario's peak and saturated state, no forecast at the limit, EMFILE markers only on that process's charts, its data in the HTML, time to data printed against 500 ms", async ({
  page,
  request,
}) => {
  test.setTimeout(150_000);
  // Until the scenario has hit the limit at least once and its EMFILE has been ingested.
  let overview: Overview | null = null;
  await expect
    .poll(
      async () => {
        overview = (await (await request.get("/api/capacity?range=15m")).json()) as Overview;
        const m = overview.sources.find((s) => s.source.name === FDS)?.metrics[0];
        return Boolean(m?.saturated && m.markers.length > 0);
      },
      { timeout: 100_000, intervals: [1_000] },
    )
    .toBe(true);
  // Never a forecast for a reading at or over its limit, whichever source.
  for (const s of overview!.sources) for (const m of s.metrics) if (m.limit && m.value >= m.limit) expect(m.secondsToExhaustion, s.source.name).toBeNull();

  await page.addInitScript(() => {
    const seen = () => {
      if (!document.querySelector('[data-testid="capacity-gauge"]')) return false;
      requestAnimationFrame(() => ((window as unknown as { __capacityVisible?: number }).__capacityVisible ??= performance.now()));
      return true;
    };
    new MutationObserver((_, obs) => seen() && obs.disconnect()).observe(document, { childList: true, subtree: true });
  });
  // The first data comes with the HTML (rendered on the server): no wait for scripts, hydration and
  // a fetch, which is what made this page take 1.3–1.5 s.
  const html = await (await request.get("/capacity?range=15m")).text();
  expect(html).toContain('data-testid="capacity-gauge"');
  expect(html).toContain(`aria-label="${FDS}"`);

  await page.setViewportSize({ width: 1440, height: 900 });
  const times: number[] = [];
  for (let i = 0; i < 5; i++) times.push(Math.round(await timeToData(page, "/capacity?range=15m")));
  const median = [...times].sort((a, b) => a - b)[2]!;
  const api: number[] = [];
  for (let i = 0; i < 5; i++)
    api.push(
      await page.evaluate(async () => {
        const t = performance.now();
        await (await fetch("/api/capacity?range=15m")).json();
        return Math.round(performance.now() - t);
      }),
    );
  const budget = pageBudgetMs();
  console.log(
    `[capacity] data visible in ${median} ms, target ${PAGE_TARGET_MS} ms (median of 5 navigations of /capacity?range=15m: ${times.join(", ")} ms; GET /api/capacity median ${[...api].sort((a, b) => a - b)[2]} ms; ${machineLoad()})`,
  );
  // The target is a figure (house rules: timing targets live in benchmarks and printed figures); the
  // assertion is the budget a loaded CI machine keeps, soft so the rest is still checked.
  expect.soft(median, `data visible in ${median} ms (${machineLoad()})`).toBeLessThan(budget);

  const fds = page.getByRole("region", { name: FDS });
  // The peak beside the current value: at or over 100 % of the limit even when the current reading is low.
  const peak = fds.getByTestId("gauge-peak");
  await expect(peak).toContainText(/peak \d+ \(\d+%\)/);
  expect(Number(/\((\d+)%\)/.exec((await peak.textContent()) ?? "")?.[1])).toBeGreaterThanOrEqual(100);
  await expect(fds.getByTestId("capacity-gauge")).toHaveAttribute("data-peak-level", "critical");
  await expect(fds.getByTestId("capacity-saturated")).toContainText(/Saturated: at the limit \d+ (s|min) of the last 15 min/);
  await expect(fds.getByTestId("capacity-forecast")).toHaveCount(0);
  // Nor for the idle dashboard process (a fresh server's start-up ramp is no sustained rise).
  await expect(page.getByRole("region", { name: "lockboard-dashboard" }).getByTestId("capacity-forecast")).toHaveCount(0);
  await expect(fds.getByText("counted from /proc (authoritative)")).toBeVisible();
  await expect(page.getByRole("region", { name: "model-server-metrics" }).getByTestId("capacity-metrics-caveat")).toContainText("can miss saturation");

  // EMFILE markers on that process's charts, with a count and a tooltip; none on anyone else's.
  const marker = fds.getByTestId("capacity-marker").first();
  await expect(marker).toBeVisible();
  await expect(marker).toHaveAttribute("title", /EMFILE \(too many open files\) (at|between)/);
  await expect(marker).toHaveText(/^\d+$/);
  const names = await page.getByTestId("capacity-source").evaluateAll((els) => els.map((e) => e.getAttribute("aria-label")!));
  expect(names).toEqual(expect.arrayContaining(["lockboard-dashboard", "demo-mongo", ...SAME_PROCESS]));
  for (const name of names.filter((n) => !SAME_PROCESS.includes(n))) {
    await expect(page.getByRole("region", { name }).locator('[data-testid="capacity-marker"][title*="EMFILE"]'), name).toHaveCount(0);
  }
  await expect(page.getByRole("region", { name: "lockboard-dashboard" }).getByTestId("capacity-marker")).toHaveCount(0);
  // Sorted by how close the peak came: the saturated process comes before the idle dashboard.
  expect(names.indexOf(FDS)).toBeLessThan(names.indexOf("lockboard-dashboard"));

  if (process.env.LOCKBOARD_UPDATE_SCREENSHOTS === "1") {
    await page.screenshot({ path: "public/screenshots/capacity.png" });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: test.info().outputPath("capacity-phone.png"), fullPage: true });
    await page.setViewportSize({ width: 1440, height: 900 });
  }

  // The Overview's gauge shows the same peak.
  await page.goto("/");
  await expect(page.getByRole("figure", { name: /^model-server-fds · File descriptors: \d+% of limit, peak \d{3}%/ })).toBeVisible({ timeout: 15_000 });
});
