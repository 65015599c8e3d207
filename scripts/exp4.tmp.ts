import { createReadStream } from "node:fs";
import { writeGeneratedPgLog } from "./bench/pg-log-generator";
import { LineSplitter } from "@/lib/ingest/line-splitter";
import { createParser } from "@/lib/ingest/parsers";
import { normalizeRecord, unparsedEvent } from "@/lib/ingest/normalize-record";
import type { LogLine } from "@/lib/ingest/log-record";
const file = "/tmp/lbx/gen.log";
const { existsSync } = await import("node:fs"); const g = existsSync(file) ? "reuse" : await writeGeneratedPgLog(file, 1_000_000);
console.log(g);
for (let round = 0; round < 3; round++) {
  const t0 = performance.now();
  let n = 0, ev = 0, un = 0; const kinds: Record<string, number> = {};
  const now = new Date();
  const parser = createParser("auto", { record: (r) => { ev++; const e = normalizeRecord(r, `1:x:${r.offset}`, "bench", now); kinds[e.kind] = (kinds[e.kind] ?? 0) + 1; }, unparsed: (u) => { un++; unparsedEvent(u, "k", now); }, blank: () => {} }, {});
  const sp = new LineSplitter(0); const lines: LogLine[] = [];
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) { sp.push(chunk as Buffer, lines); n += lines.length; for (const l of lines) parser.push(l); lines.length = 0; }
  sp.end(lines); parser.flush();
  const ms = performance.now() - t0;
  console.log(Math.round(n / (ms / 1000)), "lines/s", ev, un, JSON.stringify(kinds));
}
// raw baseline: line reader + one regex
{
  const t0 = performance.now(); let n = 0; const re = /^(\S+ \S+ \S+) \[(\d+)\] (\w+):  (.*)$/;
  const sp = new LineSplitter(0); const lines: LogLine[] = [];
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) { sp.push(chunk as Buffer, lines); for (const l of lines) { re.exec(l.text); n++; } lines.length = 0; }
  console.log("baseline", Math.round(n / ((performance.now() - t0) / 1000)));
}
