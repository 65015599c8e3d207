import { expect, test } from "@playwright/test";
import { provokeUniqueViolation, waitForLogLine } from "./support/pg-provoke";
import { readE2EState, runScript } from "./support/e2e-state";

test("a real unique violation shows up on the Incidents page", async ({ page }) => {
  const state = readE2EState();
  expect(state.embeddedUrl, "npm test serves the e2e dashboard on the embedded server").toBeTruthy();
  const uuid = await provokeUniqueViolation(state.embeddedUrl!);
  const file = await waitForLogLine(state.logDir!, `(session_uuid)=(${uuid})`);
  const out = runScript("ingest", ["--source", "embedded-pg", file], state.databaseUrl);
  expect(out).toMatch(/\d+ new/);

  await page.goto("/incidents");
  // The server's own log tailer may read the same failure for a monitored-postgres source: pick ours.
  const row = page.getByTestId("incident-row").filter({ hasText: "Duplicate key on session_session_uuid_key" }).filter({ hasText: "embedded-pg" });
  await expect(row).toBeVisible();
  await expect(row).toContainText("open");
});
