import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** Push-endpoint tokens the Playwright web server is started with (playwright.config.ts). */
export const E2E_TOKENS = { ingest: "e2e-ingest-token", failedWrites: "e2e-failed-writes-token" } as const;

/** Accounts the e2e server is seeded with (LOCKBOARD_SEED_USERS), one per role. */
export const E2E_USERS = {
  viewer: { email: "viewer@e2e.lockboard.test", password: "viewer-password-e2e", role: "viewer" },
  operator: { email: "operator@e2e.lockboard.test", password: "operator-password-e2e", role: "operator" },
  admin: { email: "admin@e2e.lockboard.test", password: "admin-password-e2e", role: "admin" },
} as const;
export type E2ERole = keyof typeof E2E_USERS;

export const STATE_FILE = process.env.LOCKBOARD_E2E_STATE ?? ".lockboard/e2e/state.json";
// Files of one e2e run sit beside its state file, so concurrent runs (other checkouts) never share them.
const sibling = (suffix: string) => `${STATE_FILE.replace(/\.json$/, "")}-${suffix}`;

export const storageStateFor = (role: E2ERole) => sibling(`auth-${role}.json`);

/** The server log the e2e server copies everything it prints into (serve.ts --log-file). */
export const serverLogFile = () => sibling("server.log");

export type E2EState = { databaseUrl: string; embeddedUrl: string | null; logDir: string | null; demoMongoUrl?: string | null };

export function readE2EState(): E2EState {
  return JSON.parse(readFileSync(STATE_FILE, "utf8"));
}

/** The demo's application database on the e2e server's embedded PostgreSQL (a superuser URL). */
export function demoAppDbUrl(): string {
  const { embeddedUrl } = readE2EState();
  if (!embeddedUrl) throw new Error("the e2e dashboard runs on the embedded server, but its state file names none");
  return embeddedUrl.replace(/\/postgres$/, "/lockboard_demo_app");
}

/** Runs a command-line entry point the way a user would (`npm run …`), against the e2e store. */
export function runScript(script: string, args: string[], databaseUrl: string): string {
  return execFileSync("node_modules/.bin/tsx", ["--conditions=react-server", `scripts/${script}.ts`, ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: "utf8",
  });
}
