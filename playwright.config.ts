import { defineConfig } from "@playwright/test";
import { E2E_TOKENS } from "./e2e/support/e2e-state";

const port = Number(process.env.LOCKBOARD_E2E_PORT ?? 3100);
export const STATE_FILE = process.env.LOCKBOARD_E2E_STATE ?? ".lockboard/e2e/state.json";

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [["list"], ["json", { outputFile: ".lockboard/reports/e2e.json" }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    screenshot: "only-on-failure",
    launchOptions: {
      // Debian's Chromium: Playwright never downloads a browser here.
      executablePath: process.env.LOCKBOARD_CHROMIUM ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    },
  },
  webServer: {
    command: `node_modules/.bin/tsx --conditions=react-server scripts/serve.ts --port ${port} --state-file ${STATE_FILE}`,
    url: `http://127.0.0.1:${port}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: { LOCKBOARD_INGEST_TOKEN: E2E_TOKENS.ingest, LOCKBOARD_FAILED_WRITES_TOKEN: E2E_TOKENS.failedWrites },
  },
});
