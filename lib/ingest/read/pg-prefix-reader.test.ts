import { describe, expect, it } from "vitest";
import { splitInRandomChunks } from "@/e2e/support/random-chunks";
import type { LogLine, LogRecord, UnparsedLine } from "./log-record";
import { PgStderrParser } from "./pg-stderr-parser";

const PREFIXES = ["%m [%p] ", "%m [%p] %q%u@%d "];

function parse(lines: LogLine[], prefix: string, handRead: boolean) {
  const records: LogRecord[] = [];
  const unparsed: UnparsedLine[] = [];
  const p = new PgStderrParser({ record: (r) => records.push(r), unparsed: (u) => unparsed.push(u), blank: () => {} }, prefix, handRead);
  for (const l of lines) p.push(l);
  p.flush();
  return { records, unparsed };
}

/** The hand reader must give exactly what the compiled expression gives, field for field. */
function expectSame(lines: LogLine[]) {
  for (const prefix of PREFIXES) {
    const hand = parse(lines, prefix, true);
    const re = parse(lines, prefix, false);
    expect(hand.unparsed).toStrictEqual(re.unparsed);
    expect(hand.records.length).toBe(re.records.length);
    hand.records.forEach((h, i) => {
      const r = re.records[i];
      expect({ ...h, time: h.time?.getTime() }).toStrictEqual({ ...r, time: r.time?.getTime() });
      expect(h.time === null).toBe(r.time === null);
    });
  }
}

const asLines = (texts: string[]): LogLine[] => texts.map((text, i) => ({ text, offset: i * 1000 }));

const STAMPS = [
  "2026-11-23 04:17:40.123 UTC",
  "2026-11-23 04:17:40.124 UTC",
  "2026-11-23 04:17:41.9 UTC",
  "2026-11-23 04:17:41.123456 CET",
  "2026-11-23 04:17:41.5",
  "2026-11-23 04:17:41.5 +05",
  "2026-11-23 04:17:41.5 +05:30",
  "2026-11-23 04:17:41.5 -0330",
  "2026-11-23 04:17:41.5 +05:3",
  "2026-11-23 04:17:41.5 ABCDEF",
  "2026-11-23 04:17:41.5 EST5EDT",
  "2026-13-45 99:99:99.000 UTC",
  "2026-11-23 04:17:41. UTC",
  "2026-11-23T04:17:41.5 UTC",
  "2026-11-23 04:17:41.5  UTC",
  "2026-11-23 04:17:41.5 utc",
];
const PIDS = ["[812]", "[0812]", "[1]", "[12345678901234567890]", "[]", "[81 2]", "[812]x", "[-1]"];
const WHO = [
  "",
  "postgres@app ",
  "[unknown]@[unknown] ",
  "@app ",
  "postgres@ ",
  "a b@c ",
  "ü@db ",
  "u\u00a0@db ",
  "u@d\u2028 ",
  "[unknown] ",
  "u@[unknown]x ",
  "u\u0001v@db ",
  "x@y@z ",
];
const LEVELS = [
  "LOG",
  "ERROR",
  "DETAIL",
  "STATEMENT",
  "HINT",
  "CONTEXT",
  "QUERY",
  "LOCATION",
  "DEBUG1",
  "DEBUG5",
  "WARNING",
  "FATAL",
  "PANIC",
  "LOG2",
  "LOG22",
  "ABCDEFGHIJKLM",
  "log",
  "X",
];
const SEPS = [":  ", ": ", ":", ":   "];

describe("PgPrefixReader, hand reader against the compiled expression", () => {
  it("reads stamps, zones, pids, names and levels exactly as the expression does", () => {
    const texts: string[] = [];
    for (const s of STAMPS) for (const w of WHO) for (const l of LEVELS) texts.push(`${s} [812] ${w}${l}:  message ${l}`);
    for (const p of PIDS) for (const sep of SEPS) texts.push(`2026-11-23 04:17:40.123 UTC ${p} LOG${sep}hello`);
    expectSame(asLines(texts));
  });

  it("stitches DETAIL, STATEMENT and tab continuations the same way", () => {
    const s = "2026-11-23 04:17:40.123 UTC";
    expectSame(
      asLines([
        `${s} [812] postgres@app ERROR:  duplicate key value violates unique constraint "k"`,
        `${s} [812] postgres@app DETAIL:  Key (id)=(1) already exists.`,
        `${s} [812] postgres@app STATEMENT:  insert into t values (1,`,
        "\t'b')",
        `${s} [813] DETAIL:  from another backend`,
        "",
        "garbage",
        `${s} [813] LOG:  deadlock detected`,
        "\tProcess 1 waits",
        `${s} [813] HINT:  See server log.`,
        ` continued with a space`,
        `2026-11-23 04:17:40.5 +05:30 [813] CONTEXT:  while updating tuple (0,1) in relation "t"`,
      ]),
    );
  });

  it("agrees on random mutations of real lines, split at random chunk boundaries", () => {
    let a = 12345;
    const r = () => {
      a = (Math.imul(a, 1103515245) + 12345) >>> 0;
      return a / 4294967296;
    };
    const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
    const NASTY = ["\t", " ", "[", "]", "@", ":", "\u0000", "\ud800", "ü", "\uFFFD", "9", "A", "\r", "\n", "+", "-", "."];
    for (let round = 0; round < 40; round++) {
      const texts: string[] = [];
      for (let n = 0; n < 200; n++) {
        let s = `${pick(STAMPS)} ${pick(PIDS)} ${pick(WHO)}${pick(LEVELS)}${pick(SEPS)}body ${n}`;
        if (r() < 0.1) s = `\t${s}`;
        for (let k = Math.floor(r() * 3); k > 0; k--) {
          const at = Math.floor(r() * (s.length + 1));
          const op = r();
          if (op < 0.5) s = s.slice(0, at) + pick(NASTY) + s.slice(at);
          else if (op < 0.7) s = s.slice(0, at);
          else s = s.slice(0, at) + s.slice(at + 1);
        }
        texts.push(s);
      }
      // Through the splitter, as files are read: invalid UTF-8, NUL and long lines included.
      const input = Buffer.from(texts.join("\n"), "utf8");
      const { lines } = splitInRandomChunks(input, 512, r);
      expectSame(lines);
    }
  });
});
