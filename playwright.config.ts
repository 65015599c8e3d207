import { defineConfig } from "@playwright/test";
import { E2E_TOKENS, E2E_USERS, serverLogFile, STATE_FILE, storageStateFor } from "./e2e/support/e2e-state";

const port = Number(process.env.LOCKBOARD_E2E_PORT ?? 3100);

export default defineConfig({
  testDir: "e2e",
  // A setup project signs in once per role; every spec runs as the admin unless it picks another role.
  projects: [
    { name: "sign-in", testMatch: "**/auth.setup.ts" },
    { name: "chromium", testMatch: "**/*.spec.ts", dependencies: ["sign-in"], use: { storageState: storageStateFor("admin") } },
  ],
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
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  webServer: [
    {
      // A real OpenID Connect issuer for the single-sign-on test.
      command: `node_modules/.bin/tsx e2e/support/oidc-issuer.ts --port ${port + 1} --redirect-uri http://127.0.0.1:${port}/api/auth/callback/oidc`,
      url: `http://127.0.0.1:${port + 1}/.well-known/openid-configuration`,
      timeout: 30_000,
      reuseExistingServer: false,
    },
    {
      command: `node_modules/.bin/tsx --conditions=react-server scripts/serve.ts --port ${port} --state-file ${STATE_FILE} --log-file ${serverLogFile()} --demo-mongo --scenarios`,
      url: `http://127.0.0.1:${port}/api/health`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      env: {
        LOCKBOARD_INGEST_TOKEN: E2E_TOKENS.ingest,
        LOCKBOARD_PUBLIC_URL: `http://127.0.0.1:${port}`,
        LOCKBOARD_OIDC_ISSUER: `http://127.0.0.1:${port + 1}`,
        LOCKBOARD_OIDC_CLIENT_ID: "lockboard-e2e",
        LOCKBOARD_OIDC_CLIENT_SECRET: "lockboard-e2e-secret-value",
        LOCKBOARD_OIDC_NAME: "Test issuer",
        LOCKBOARD_OIDC_OPERATORS: "sso-operator@sso.lockboard.test",
        // The five scenarios run 4x faster than the demo's gentle rate, so the specs see them quickly.
        LOCKBOARD_SCENARIO_PACE: "0.25",
        LOCKBOARD_FAILED_WRITES_TOKEN: E2E_TOKENS.failedWrites,
        LOCKBOARD_CAPACITY_INTERVAL_SECONDS: "1",
        LOCKBOARD_SEED_USERS: JSON.stringify(Object.values(E2E_USERS)),
        // Locks: a held advisory lock counts as stuck after 2 s, sampled every 2 s.
        LOCKBOARD_STUCK_AFTER_SECONDS: "2",
        LOCKBOARD_LOCK_SAMPLE_SECONDS: "2",
      },
    },
  ],
});
