// `npm run ingest -- --source NAME [--format F] [--prefix P] [--follow] FILE…`: reads server and
// application logs into events and incidents (see README "Ingestion").
import { stat } from "node:fs/promises";
import { parseArgs } from "node:util";
import { EventWriter } from "@/lib/ingest/store/event-writer";
import { followLogFile } from "@/lib/ingest/follow-file";
import { ingestLogFile } from "@/lib/ingest/ingest-file";
import type { IngestSummary } from "@/lib/ingest/ingest-pipeline";
import { LOG_FORMATS, type LogFormat } from "@/lib/ingest/read/parsers";
import { detectionLines, progressLine, summaryLines } from "@/lib/ingest/progress-line";
import { disconnectPrisma, getPrisma } from "@/lib/store/prisma";
import { startStore } from "@/lib/store/start-store";
import { whyNotALogFile } from "./cli/check-input-file";

const USAGE = `usage: npm run ingest -- --source NAME [--format ${LOG_FORMATS.join("|")}] [--prefix LOG_LINE_PREFIX] [--follow] [--quiet] FILE…
  DATABASE_URL must point at Lockboard's store (npm run demo prints it).`;

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      source: { type: "string" },
      format: { type: "string", default: "auto" },
      prefix: { type: "string" },
      follow: { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
      "poll-ms": { type: "string", default: "500" },
    },
  });
} catch (err) {
  console.error(`${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}
const { values, positionals } = parsed;
if (!values.source || positionals.length === 0) {
  console.error(USAGE);
  process.exit(2);
}
if (!LOG_FORMATS.includes(values.format as LogFormat)) {
  console.error(`--format must be one of ${LOG_FORMATS.join(", ")}; got "${values.format}"`);
  process.exit(2);
}
if (!process.env.DATABASE_URL) {
  console.error("DATABASE_URL is not set: point it at Lockboard's store (npm run demo prints it)");
  process.exit(2);
}
// Every file is checked before the store is touched: one bad file stores nothing at all.
const unreadable = (await Promise.all(positionals.map(whyNotALogFile))).filter((w) => w !== null);
if (unreadable.length) {
  for (const why of unreadable) console.error(why);
  process.exit(2);
}

let writer: EventWriter;
try {
  // Like the dashboard: a fresh or older store is migrated first.
  await startStore();
  // A file can be read again from its checkpoint: this writer's commits need not wait for the WAL flush.
  writer = await EventWriter.open({ commit: "relaxed" });
} catch (err) {
  console.error(`[ingest] the store at DATABASE_URL is not usable: ${(err as Error).message.split("\n")[0]}`);
  await disconnectPrisma();
  process.exit(1);
}
const prisma = getPrisma();
const tty = process.stderr.isTTY && !values.quiet;
const opts = { format: values.format as LogFormat, logLinePrefix: values.prefix, writer };
const stop = new AbortController();
process.once("SIGINT", () => stop.abort());
process.once("SIGTERM", () => stop.abort());

function progress(total: number) {
  const t0 = performance.now();
  let last = 0;
  return {
    t0,
    update(s: IngestSummary) {
      const now = performance.now();
      if (!tty || now - last < 200) return;
      last = now;
      process.stderr.write(`\r\x1b[2K${progressLine(s, now - t0, total)}`);
    },
    done() {
      if (tty) process.stderr.write("\r\x1b[2K");
    },
  };
}

let failed = false;
try {
  if (values.follow) {
    // Each file is followed concurrently until Ctrl-C; checkpoints make the next run resume.
    const runs = positionals.map(async (file) => {
      const p = progress(0);
      const s = await followLogFile(prisma, values.source!, file, {
        ...opts,
        signal: stop.signal,
        pollMs: Number(values["poll-ms"]),
        onProgress: p.update,
        onNote: (n) => console.error(`\n[ingest] ${n}`),
      });
      p.done();
      for (const line of summaryLines(file, s, performance.now() - p.t0)) console.log(line);
    });
    if (tty) console.error(`[ingest] following ${positionals.join(", ")}; Ctrl-C stops (the next run resumes where this one stopped)`);
    await Promise.all(runs);
  } else {
    for (const file of positionals) {
      try {
        const p = progress((await stat(file)).size);
        const s = await ingestLogFile(prisma, values.source, file, { ...opts, onProgress: p.update });
        p.done();
        for (const line of summaryLines(file, s, performance.now() - p.t0)) console.log(line);
        const d = detectionLines(s.detection, s.formatChanged);
        for (const line of d.out) console.log(line);
        for (const line of d.warn) console.error(line);
      } catch (err) {
        failed = true;
        console.error(`${file}: ${(err as Error).message}`);
      }
    }
  }
} catch (err) {
  failed = true;
  console.error(`[ingest] ${(err as Error).message}`);
} finally {
  await writer.close();
  await disconnectPrisma();
}
process.exit(failed ? 1 : 0);
