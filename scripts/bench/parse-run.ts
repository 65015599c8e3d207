// The parse + classify bench, run in a process of its own (ingest-bench.ts spawns it): the bench
// harness's heap (Prisma, the generated file's strings) must not weigh on the figure. Prints one
// JSON line per pass over the file: the first pass is cold (compiling, growing the heap).
import { createReadStream } from "node:fs";
import { LineSplitter } from "@/lib/ingest/read/line-splitter";
import type { LogLine } from "@/lib/ingest/read/log-record";
import { normalizeRecord, unparsedEvent } from "@/lib/ingest/classify/normalize-record";
import { createParser } from "@/lib/ingest/read/parsers";

/** Read + split + parse + classify + entities + fingerprint: everything but the store. */
async function parseAndClassify(file: string): Promise<{ lines: number; ms: number; cpuMs: number }> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const now = new Date();
  let lines = 0;
  const parser = createParser("auto", {
    record: (r) => void normalizeRecord(r, `b:${r.offset}`, "bench", now),
    unparsed: (u) => void unparsedEvent(u, "u", now),
    blank: () => {},
  });
  const splitter = new LineSplitter(0);
  const out: LogLine[] = [];
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    splitter.push(chunk as Buffer, out);
    lines += out.length;
    for (let i = 0; i < out.length; i++) parser.push(out[i]);
    out.length = 0;
  }
  splitter.end(out);
  for (const l of out) parser.push(l);
  parser.flush();
  const cpu = process.cpuUsage(cpu0);
  return { lines: lines + out.length, ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

const [file, passes = "3"] = process.argv.slice(2);
for (let i = 0; i < Number(passes); i++) console.log(JSON.stringify(await parseAndClassify(file)));
