// `npm run bench`: prints a Markdown table of figures. Each issue adds its module to BENCHES.
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { parseArgs } from "node:util";
import path from "node:path";
import { startEmbeddedPostgres } from "@/lib/store/embedded-server";
import { applyMigrations } from "@/lib/store/migrate";
import { ensureDatabase } from "@/lib/store/start-store";
import { disconnectPrisma } from "@/lib/store/prisma";
import { maskUrl } from "@/lib/sources/secret-box";
import { databaseExists, databaseOf, describeStoreSettings, dropDatabase, serverUrlOf } from "./bench/store-settings";
import { capacityBench } from "./bench/capacity-bench";
import { ingestBench } from "./bench/ingest-bench";
import { loadBench } from "./bench/load-bench";
import { locksBench } from "./bench/locks-bench";
import { replayBench } from "./bench/replay-bench";
import { soakBench } from "./bench/soak-bench";
import { storeBench } from "./bench/store-bench";
import { triageBench } from "./bench/triage-bench";
import type { Bench, Figure } from "./bench/types";

const BENCHES: Bench[] = [storeBench, ingestBench, capacityBench, replayBench, locksBench, triageBench, loadBench, soakBench];

// `npm run bench -- [NAME…] [--store-url postgresql://…/DB]`: with --store-url (or
// LOCKBOARD_BENCH_STORE_URL) the store benches write into that server instead of the embedded
// one, into a database of that name created for the run and dropped after it.
// `--keep DIR`: benches that seed a large store of their own (triage) keep it in DIR and reuse it
// on the next run with the same DIR instead of seeding again (see each bench).
const { values: flags, positionals: only } = parseArgs({ allowPositionals: true, options: { "store-url": { type: "string" }, keep: { type: "string" } } });
const externalStore = flags["store-url"] ?? process.env.LOCKBOARD_BENCH_STORE_URL;
const tmpDir = await mkdtemp(path.join(tmpdir(), "lockboard-bench-"));
await chmod(tmpDir, 0o755); // the postgres user must reach the data directory inside
// LOCKBOARD_BENCH_PG_SETTINGS="name=value,…": the bench's embedded server with other settings (printed with the figures).
const benchSettings = Object.fromEntries(
  (process.env.LOCKBOARD_BENCH_PG_SETTINGS ?? "")
    .split(",")
    .filter(Boolean)
    .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
);
const server = await startEmbeddedPostgres({ dataDir: path.join(tmpDir, "pg"), settings: benchSettings });
let databaseUrl: string;
if (externalStore) {
  // Dropped after the run: only a database this run creates.
  if (await databaseExists(serverUrlOf(externalStore), databaseOf(externalStore))) {
    console.error(
      `[bench] --store-url names database "${databaseOf(externalStore)}", which exists: name one that does not (it is created for the run and dropped after)`,
    );
    process.exit(2);
  }
  await ensureDatabase(serverUrlOf(externalStore), databaseOf(externalStore));
  databaseUrl = externalStore;
} else {
  // As the dashboard runs: the app role, on the durable embedded store.
  databaseUrl = await server.ensureAppDatabase("lockboard_bench");
}
await applyMigrations(databaseUrl);
process.env.DATABASE_URL = databaseUrl;
const storeLine = `${externalStore ? `${maskUrl(externalStore)} (--store-url)` : "the embedded PostgreSQL (app role)"}: ${await describeStoreSettings(databaseUrl)}`;
console.error(`[bench] store: ${storeLine}`);

const rows: (Figure & { bench: string })[] = [];
let failed = false;
try {
  for (const b of BENCHES) {
    if (only.length && !only.some((o) => b.name.includes(o))) continue;
    console.error(`[bench] ${b.name}…`);
    try {
      for (const f of await b.run({
        databaseUrl,
        serverUrl: server.url(),
        logDir: server.logDir,
        tmpDir,
        keepDir: flags.keep ? path.resolve(flags.keep) : undefined,
      }))
        rows.push({ ...f, bench: b.name });
    } catch (err) {
      failed = true;
      console.error(`[bench] ${b.name} failed: ${(err as Error).message}`);
    }
  }
} finally {
  await disconnectPrisma();
  if (externalStore) await dropDatabase(serverUrlOf(externalStore), databaseOf(externalStore));
  await server.stop();
  await rm(tmpDir, { recursive: true, force: true });
}

console.log(
  `\nLockboard benchmarks (${new Date().toISOString()}, node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")})`,
);
console.log(`Store: ${storeLine}\n`);
console.log("| bench | figure | value | unit | compared with |");
console.log("|---|---|---:|---|---|");
for (const r of rows) console.log(`| ${r.bench} | ${r.figure} | ${r.value.toLocaleString("en-US")} | ${r.unit} | ${r.comparedWith} |`);
process.exit(failed ? 1 : 0);
