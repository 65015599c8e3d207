// `npm run bench`: prints a Markdown table of figures. Each issue adds its module to BENCHES.
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "@/lib/store/embedded-server";
import { applyMigrations } from "@/lib/store/migrate";
import { ensureDatabase } from "@/lib/store/start-store";
import { disconnectPrisma } from "@/lib/store/prisma";
import { capacityBench } from "./bench/capacity-bench";
import { ingestBench } from "./bench/ingest-bench";
import { locksBench } from "./bench/locks-bench";
import { replayBench } from "./bench/replay-bench";
import { storeBench } from "./bench/store-bench";
import { triageBench } from "./bench/triage-bench";
import type { Bench, Figure } from "./bench/types";

const BENCHES: Bench[] = [storeBench, ingestBench, capacityBench, replayBench, locksBench, triageBench];

const only = process.argv.slice(2);
const tmpDir = await mkdtemp(path.join(tmpdir(), "lockboard-bench-"));
await chmod(tmpDir, 0o755); // the postgres user must reach the data directory inside
const server = await startEmbeddedPostgres({ dataDir: path.join(tmpDir, "pg") });
await ensureDatabase(server.url(), "lockboard_bench");
const databaseUrl = server.url("lockboard_bench");
await applyMigrations(databaseUrl);
process.env.DATABASE_URL = databaseUrl;

const rows: (Figure & { bench: string })[] = [];
let failed = false;
try {
  for (const b of BENCHES) {
    if (only.length && !only.some((o) => b.name.includes(o))) continue;
    console.error(`[bench] ${b.name}…`);
    try {
      for (const f of await b.run({ databaseUrl, serverUrl: server.url(), logDir: server.logDir, tmpDir })) rows.push({ ...f, bench: b.name });
    } catch (err) {
      failed = true;
      console.error(`[bench] ${b.name} failed: ${(err as Error).message}`);
    }
  }
} finally {
  await disconnectPrisma();
  await server.stop();
  await rm(tmpDir, { recursive: true, force: true });
}

console.log(`\nLockboard benchmarks (${new Date().toISOString()}, node ${process.version})\n`);
console.log("| bench | figure | value | unit | compared with |");
console.log("|---|---|---:|---|---|");
for (const r of rows) console.log(`| ${r.bench} | ${r.figure} | ${r.value.toLocaleString("en-US")} | ${r.unit} | ${r.comparedWith} |`);
process.exit(failed ? 1 : 0);
