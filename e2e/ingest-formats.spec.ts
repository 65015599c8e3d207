import { expect, test } from "@playwright/test";
import { E2E_TOKENS } from "./support/e2e-state";

const auth = { authorization: `Bearer ${E2E_TOKENS.ingest}`, "content-type": "application/x-ndjson" };
const source = `fmt${Date.now().toString(36)}`;
const cnpg = (pid: number, severity: string, state: string, message: string) =>
  JSON.stringify({
    level: "info",
    ts: new Date().toISOString(),
    logger: "postgres",
    msg: "record",
    logging_pod: "db-1",
    record: {
      log_time: new Date().toISOString().replace("T", " ").replace("Z", " UTC"),
      process_id: String(pid),
      error_severity: severity,
      sql_state_code: state,
      message,
    },
  });

test("a pushed stream says what it was read as and when that changes; the Sources page shows it", async ({ request, page }) => {
  const first = await request.post(`/api/ingest?source=${source}`, {
    headers: auth,
    data: [cnpg(7, "ERROR", "40P01", "deadlock detected"), cnpg(8, "ERROR", "23505", 'duplicate key value violates unique constraint "u"')].join("\n"),
  });
  expect(first.status()).toBe(200);
  expect(await first.json()).toMatchObject({ inserted: 2, format: "CloudNativePG JSON (2 of 2 sampled lines)", formatChanged: false });

  await page.goto("/sources");
  const row = page.getByTestId("source-row").filter({ hasText: source });
  await expect(row.getByTestId("source-format")).toHaveText("read as CloudNativePG JSON (2 of 2 sampled lines)", { timeout: 30_000 });

  // The same source now receives a shipper's raw PostgreSQL lines.
  const shipped = (line: string) => JSON.stringify({ message: line, source_type: "file", file: "/var/log/postgresql/postgresql.log" });
  const second = await request.post(`/api/ingest?source=${source}`, {
    headers: auth,
    data: [
      shipped("2026-12-01 13:40:00.000 UTC [9] ERROR:  deadlock detected"),
      shipped("2026-12-01 13:40:00.000 UTC [9] DETAIL:  Process 9 waits for ShareLock on transaction 1; blocked by process 10."),
    ].join("\n"),
  });
  expect(await second.json()).toMatchObject({
    inserted: 1,
    formatChanged: true,
    previousFormat: "CloudNativePG JSON (2 of 2 sampled lines)",
    format: expect.stringMatching(/^postgres stderr, prefix /),
  });
  await page.reload();
  await expect(row.getByTestId("source-format")).toContainText("read as postgres stderr", { timeout: 30_000 });
});
