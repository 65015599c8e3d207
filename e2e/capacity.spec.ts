import { expect, test } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import { readE2EState } from "./support/e2e-state";

const children: ChildProcess[] = [];
test.afterAll(() => children.forEach((c) => c.kill("SIGKILL")));

function startExporter(port = 0): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ["e2e/support/prom-exporter.mjs", String(port)], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  return new Promise((resolve) => {
    child.stdout!.on("data", (d) => {
      const m = /PORT (\d+)/.exec(String(d));
      if (m) resolve({ child, port: Number(m[1]) });
    });
  });
}

test("Capacity shows gauges and a chart with the limit line; a stopped source flips to unreachable and back", async ({ page, request, baseURL }) => {
  const run = Date.now();
  const post = (data: object) => request.post("/api/sources", { data, headers: { origin: baseURL! } });
  expect((await post({ name: `e2e-store-${run}`, kind: "postgres", url: readE2EState().databaseUrl })).status()).toBe(201);
  const exporter = await startExporter();
  const promName = `e2e-exporter-${run}`;
  expect((await post({ name: promName, kind: "prometheus", url: `http://127.0.0.1:${exporter.port}/metrics` })).status()).toBe(201);

  await page.goto("/capacity?range=15m");
  const pgPanel = page.getByRole("region", { name: `e2e-store-${run}` });
  await expect(pgPanel.getByTestId("capacity-gauge")).toBeVisible({ timeout: 15_000 });
  await expect(pgPanel.getByTestId("capacity-gauge")).toHaveAttribute("aria-label", /Connections: \d+% of limit/);
  const chart = pgPanel.getByTestId("capacity-chart");
  await expect(chart.getByText("limit", { exact: true })).toBeVisible();
  await expect(chart.locator(".recharts-line-curve")).toHaveCount(2, { timeout: 15_000 });

  const promPanel = page.getByRole("region", { name: promName });
  await expect(promPanel.getByTestId("capacity-gauge")).toHaveAttribute("aria-label", /File descriptors: \d+% of limit/, { timeout: 15_000 });

  exporter.child.kill("SIGKILL");
  await expect(promPanel.getByTestId("source-unreachable")).toContainText("Unreachable since", { timeout: 15_000 });
  await expect(pgPanel.getByTestId("capacity-gauge")).toBeVisible();
  const api = await request.get("/api/capacity?range=15m");
  expect(api.status()).toBe(200);

  await startExporter(exporter.port);
  await expect(promPanel.getByTestId("source-unreachable")).toHaveCount(0, { timeout: 15_000 });
  expect((await request.get("/api/capacity?range=2h")).status()).toBe(400);
});
