import { LineSplitter } from "@/lib/ingest/read/line-splitter";
import type { LogLine } from "@/lib/ingest/read/log-record";

/**
 * Lines of `input` as a file read would give them, with chunk boundaries anywhere (`random` in
 * [0, 1)), and the offset the splitter ended at (every byte accounted for: `input.length`).
 */
export function splitInRandomChunks(input: Buffer, maxLine: number, random: () => number): { lines: LogLine[]; end: number } {
  const splitter = new LineSplitter(0, maxLine);
  const lines: LogLine[] = [];
  for (let at = 0; at < input.length;) {
    const n = 1 + Math.floor(random() * 700);
    splitter.push(input.subarray(at, at + n), lines);
    at += n;
  }
  splitter.end(lines);
  return { lines, end: splitter.lineStart };
}
