import "server-only";
import { readFileSync } from "node:fs";
import path from "node:path";
import { normalizeRecord } from "../classify/normalize-record";
import { splitLines } from "./line-splitter";
import type { LogRecord, UnparsedLine } from "./log-record";
import { createParser, type LogFormat, type ParserOptions } from "./parsers";

/** Test support: reads a fixture of lib/ingest/read/fixtures through the sniffer, as the CLI would. */
export function readFixture(name: string, opts: ParserOptions & { format?: LogFormat } = {}) {
  const text = readFileSync(path.join(__dirname, "fixtures", name));
  return readText(text, { fileName: name, ...opts });
}

export function readText(text: string | Buffer, opts: ParserOptions & { format?: LogFormat } = {}) {
  const records: LogRecord[] = [];
  const unparsed: UnparsedLine[] = [];
  let blank = 0;
  const p = createParser(
    opts.format ?? "auto",
    { record: (r) => records.push(r), unparsed: (u) => unparsed.push(u), blank: () => blank++ },
    { refTime: new Date("2026-12-01T15:00:00Z"), ...opts },
  );
  const { lines } = splitLines(Buffer.isBuffer(text) ? text : Buffer.from(text));
  for (const l of lines) p.push(l);
  p.flush();
  records.sort((a, b) => a.offset - b.offset);
  const now = new Date("2026-12-01T00:00:00Z");
  const kinds = records.map((r) => normalizeRecord({ ...r, fields: { ...r.fields } }, "k", "fixture", now).kind);
  return { records, unparsed, blank, lines: lines.length, kinds, detection: p.detection };
}
