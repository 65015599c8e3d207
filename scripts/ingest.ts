// `npm run ingest -- --source NAME FILE…`: reads PostgreSQL server logs into events and incidents.
import { parseArgs } from "node:util";
import { ingestPgLogFile } from "@/lib/ingest/ingest-file";
import { disconnectPrisma, getPrisma } from "@/lib/store/prisma";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { source: { type: "string" }, prefix: { type: "string" } },
});

if (!values.source || positionals.length === 0) {
  console.error("usage: npm run ingest -- --source NAME [--prefix LOG_LINE_PREFIX] FILE…   (DATABASE_URL must point at the store)");
  process.exit(2);
}
if (!process.env.DATABASE_URL) {
  console.error("DATABASE_URL is not set: point it at Lockboard's store (npm run demo prints it)");
  process.exit(2);
}

let failed = false;
for (const file of positionals) {
  try {
    const s = await ingestPgLogFile(getPrisma(), values.source, file, { logLinePrefix: values.prefix });
    console.log(`${file}: ${s.lines} lines, ${s.events} events (${s.inserted} new, ${s.duplicates} already stored), ${s.unparsed} unparsed`);
  } catch (err) {
    failed = true;
    console.error(`${file}: ${(err as Error).message}`);
  }
}
await disconnectPrisma();
process.exit(failed ? 1 : 0);
