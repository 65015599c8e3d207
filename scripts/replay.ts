// `npm run replay -- --run ID`: works through (or takes over) a confirmed replay run;
// `npm run replay -- --import FILE.ndjson`: imports failed writes, one JSON object per line.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { closeMongoClients } from "@/lib/mongo/mongo-client";
import { importFailedWritesNdjson } from "@/lib/replay/capture-failed-writes";
import { closeTargetPools } from "@/lib/replay/pg-target-pool";
import { runReplay } from "@/lib/replay/replay-run";
import { disconnectPrisma, getPrisma } from "@/lib/store/prisma";

const { values } = parseArgs({
  options: {
    run: { type: "string" },
    import: { type: "string" },
    "lease-ms": { type: "string" },
    concurrency: { type: "string" },
  },
});

if (!process.env.DATABASE_URL || (!values.run && !values.import)) {
  console.error("usage: npm run replay -- --run ID [--lease-ms N] [--concurrency N] | --import FILE.ndjson   (DATABASE_URL must point at the store)");
  process.exit(2);
}

const prisma = getPrisma();
let code = 0;
try {
  if (values.import) {
    const r = await importFailedWritesNdjson(prisma, readFileSync(values.import, "utf8"));
    console.log(`${values.import}: ${r.lines} lines, ${r.created} stored, ${r.duplicates} already stored, ${r.malformed.length} malformed`);
    for (const m of r.malformed) console.log(`  line ${m.line}: ${m.error}`);
  } else {
    const s = await runReplay(prisma, Number(values.run), {
      leaseMs: values["lease-ms"] ? Number(values["lease-ms"]) : undefined,
      concurrency: values.concurrency ? Number(values.concurrency) : undefined,
    });
    console.log(`replay run ${s.runId}: ${JSON.stringify(s.counts)}`);
  }
} catch (err) {
  console.error((err as Error).message);
  code = 1;
}
await closeTargetPools();
await closeMongoClients();
await disconnectPrisma();
process.exit(code);
