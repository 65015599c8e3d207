// `npm run scenario -- <name> [--duration S] [--pace S] [--fixed] …`: one real concurrency incident,
// reproduced against servers on 127.0.0.1 for a bounded time (or until Ctrl-C), then cleaned up.
import path from "node:path";
import { parseArgs } from "node:util";
import { getTestMongoUrl, stopTestMongoServer } from "@/e2e/support/mongo-server/test-mongo-url";
import { startStore } from "@/lib/store/start-store";
import { demoAppDatabaseUrl } from "./cli/serve-helpers";
import { findScenario, SCENARIOS } from "./scenarios/all-scenarios";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  strict: false,
  options: { duration: { type: "string", default: "60" }, pace: { type: "string", default: "5" } },
});
const name = positionals[0];
if (!name) {
  console.error(
    `usage: npm run scenario -- <name> [--duration SECONDS] [--pace SECONDS]\n${SCENARIOS.map((s) => `  ${s.name.padEnd(24)} ${s.summary}`).join("\n")}`,
  );
  process.exit(2);
}

let scenario;
try {
  scenario = findScenario(name);
} catch (err) {
  console.error((err as Error).message);
  process.exit(2);
}

// The app database: LOCKBOARD_SCENARIO_PG_URL, else a database beside the store (embedded or DATABASE_URL).
const store = process.env.LOCKBOARD_SCENARIO_PG_URL ? null : await startStore();
const pgUrl = process.env.LOCKBOARD_SCENARIO_PG_URL ?? (await demoAppDatabaseUrl(store!.embedded?.url() ?? store!.databaseUrl));
const controller = new AbortController();
const stop = () => controller.abort();
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
setTimeout(stop, Number(values.duration) * 1000).unref();

let code = 0;
try {
  const report = await scenario.run(
    {
      pgUrl,
      mongoUrl: name === "message-retry-duplicate" ? await getTestMongoUrl() : "mongodb://127.0.0.1:27017",
      logDir: process.env.LOCKBOARD_SCENARIO_LOG_DIR ?? path.resolve(".lockboard/scenario-logs"),
      lockboard:
        process.env.LOCKBOARD_URL && process.env.LOCKBOARD_FAILED_WRITES_TOKEN
          ? { url: process.env.LOCKBOARD_URL, failedWritesToken: process.env.LOCKBOARD_FAILED_WRITES_TOKEN }
          : null,
      signal: controller.signal,
      pace: Number(values.pace),
      log: (m) => console.log(`[scenario] ${m}`),
    },
    values as Record<string, string | boolean | undefined>,
  );
  console.log(JSON.stringify(report));
} catch (err) {
  console.error(`[scenario] ${name} failed: ${(err as Error).message}`);
  code = 1;
} finally {
  await stopTestMongoServer();
  await store?.embedded?.stop();
}
process.exit(code);
