import { describe, expect, it } from "vitest";
import { LineSplitter } from "./line-splitter";
import type { LogLine } from "./log-record";

/** What every line must come out as, decoded one by one from the whole buffer. */
function reference(buf: Buffer, maxLine: number) {
  const out: { text: string; offset: number; bad?: string }[] = [];
  let start = 0;
  while (start < buf.length) {
    let nl = buf.indexOf(10, start);
    const last = nl === -1;
    if (last) nl = buf.length;
    let end = nl;
    if (end > start && buf[end - 1] === 13) end--;
    const bytes = nl - start;
    const text = buf.toString("utf8", start, bytes > maxLine ? Math.min(end, start + maxLine) : end);
    out.push({ text, offset: start, ...(bytes > maxLine ? { bad: "too_long" } : text.includes("\u0000") ? { bad: "binary" } : {}) });
    start = nl + 1;
  }
  return out;
}

function split(buf: Buffer, chunkSizes: number[], maxLine: number) {
  const s = new LineSplitter(0, maxLine);
  const out: LogLine[] = [];
  let pos = 0;
  for (let i = 0; pos < buf.length; i++) {
    const n = chunkSizes[i % chunkSizes.length];
    s.push(buf.subarray(pos, pos + n), out);
    pos += n;
  }
  s.end(out);
  return out.map((l) => ({ text: l.text, offset: l.offset, ...(l.bad ? { bad: l.bad } : {}) }));
}

describe("LineSplitter", () => {
  const ascii = Array.from(
    { length: 400 },
    (_, i) => `2026-11-23 04:00:00.${String(i % 1000).padStart(3, "0")} UTC [${20_000 + i}] LOG:  line ${i}${i % 7 === 0 ? "\r" : ""}`,
  );
  const mixed = [...ascii.slice(0, 100), "ünïcode — ok", "nul\u0000inside", "x".repeat(300), "", "tab\there", ...ascii.slice(100)];

  it.each([
    ["ASCII only, one chunk", ascii, [1 << 20]],
    ["ASCII only, odd chunk sizes", ascii, [1, 7, 64, 333, 4096]],
    ["mixed with non-ASCII, NUL, over-long and empty lines", mixed, [5, 100, 1 << 16]],
    ["mixed, byte by byte", mixed, [1]],
    // Over 64 KB of ASCII in one chunk is decoded in pieces; lines (some longer than the cap) must not break at a piece's edge.
    [
      "many ASCII lines, over-long ones included, in 1 MB chunks",
      Array.from({ length: 3000 }, (_, i) => (i % 97 === 0 ? "y".repeat(70_000 + i) : ascii[i % ascii.length])),
      [1 << 20],
    ],
  ])("gives the same lines and byte offsets as decoding each line: %s", (_name, lines, chunks) => {
    const buf = Buffer.from(`${lines.join("\n")}\ntrailing without newline`);
    const got = split(buf, chunks, 200);
    expect(got).toEqual(reference(buf, 200));
    expect(got.at(-1)?.text).toBe("trailing without newline");
  });
});
