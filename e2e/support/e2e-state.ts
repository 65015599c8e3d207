import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** Push-endpoint tokens the Playwright web server is started with (playwright.config.ts). */
export const E2E_TOKENS = { ingest: "e2e-ingest-token", failedWrites: "e2e-failed-writes-token" } as const;

export type E2EState = { databaseUrl: string; embeddedUrl: string | null; logDir: string | null };

export function readE2EState(): E2EState {
  return JSON.parse(readFileSync(process.env.LOCKBOARD_E2E_STATE ?? ".lockboard/e2e/state.json", "utf8"));
}

/** Runs a command-line entry point the way a user would (`npm run …`), against the e2e store. */
export function runScript(script: string, args: string[], databaseUrl: string): string {
  return execFileSync("node_modules/.bin/tsx", ["--conditions=react-server", `scripts/${script}.ts`, ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: "utf8",
  });
}
