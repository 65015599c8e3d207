import { describe, expect, it } from "vitest";
import { splitInRandomChunks } from "@/e2e/support/random-chunks";
import { normalizeRecord, unparsedEvent } from "../classify/normalize-record";
import { OtlpLogRecordSchema, recordFromOtlp } from "./otlp-logs";
import { createParser, LOG_FORMATS } from "./parsers";
import { pgJson, pgText } from "../store/batch-sql";

// Deterministic: a failure names its seed, and rerunning reproduces it.
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REAL = [
  '2026-11-23 04:57:23.065 UTC [12379] postgres@app ERROR:  duplicate key value violates unique constraint "t_pkey"',
  "2026-11-23 04:57:23.065 UTC [12379] postgres@app DETAIL:  Key (id)=(1) already exists.",
  "2026-11-23 04:57:23.065 UTC [12379] postgres@app STATEMENT:  insert into t values (1,",
  "\t'b')",
  "2026-11-23 04:57:23.176 UTC [12380] LOG:  process 12380 still waiting for ExclusiveLock on advisory lock [5,0,42,1] after 100.212 ms",
  "2026-11-23 04:57:23.176 UTC [12380] DETAIL:  Process holding the lock: 12379. Wait queue: 12380.",
  `2026-11-23 04:57:23.065 UTC,"postgres","postgres",12379,"127.0.0.1:56886",6b03c7b3.305b,1,"INSERT",2026-11-23 04:57:23 UTC,1/4,755,ERROR,23505,"duplicate key value violates unique constraint ""t_pkey""","Key (id)=(1) already exists.",,,,,"insert into t values (1,`,
  `'b')",,,"","client backend",,0`,
  '{"timestamp":"2026-11-23 04:57:23.376 UTC","user":"postgres","dbname":"postgres","pid":12380,"error_severity":"ERROR","state_code":"55P03","message":"canceling statement due to lock timeout","statement":"select pg_advisory_lock(42)"}',
  '{"t":{"$date":"2026-11-23T04:17:40.123+00:00"},"s":"I","c":"COMMAND","id":51803,"ctx":"conn42","msg":"Slow query","attr":{"ns":"a.b","errMsg":"E11000 duplicate key error collection: a.b index: k_1 dup key: { k: \\"x\\" }","errCode":11000}}',
  '{"level":50,"time":1795400000000,"msg":"failed","err":{"type":"Error","message":"EMFILE: too many open files","code":"EMFILE"},"requestId":"r1"}',
  "2026-11-23 04:00:00,100 - worker - ERROR - could not save",
  "Traceback (most recent call last):",
  '  File "/app/w.py", line 9, in save',
  "sqlite3.OperationalError: database is locked",
  "Error [ERR_HTTP_HEADERS_SENT]: Cannot set headers after they are sent to the client",
  "    at ServerResponse.setHeader (node:_http_outgoing:659:11) {",
  "  code: 'ERR_HTTP_HEADERS_SENT'",
  "}",
  "/app/server.js:12",
  "Node.js v20.20.2",
];
const NASTY = ["\n", "\r\n", '"', "{", "}", "\u0000", "\t", "\\", "\ud800", "Ã(", "\uFFFD", "'", ",", "[", "]", "%", "\u2028"];

function mutate(r: () => number, line: string): string {
  const pick = <T>(a: T[]) => a[Math.floor(r() * a.length)];
  let s = line;
  for (let n = Math.floor(r() * 4); n > 0; n--) {
    const at = Math.floor(r() * (s.length + 1));
    const op = r();
    if (op < 0.3) s = s.slice(0, at) + pick(NASTY) + s.slice(at);
    else if (op < 0.5) s = s.slice(0, at);
    else if (op < 0.7) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(r() * 10));
    else if (op < 0.85) s = s.slice(0, at) + s.slice(Math.floor(r() * s.length));
    else s = s + pick(REAL);
  }
  return s;
}

function randomInput(r: () => number): Buffer {
  const parts: Buffer[] = [];
  for (let n = 5 + Math.floor(r() * 40); n > 0; n--) {
    const c = r();
    if (c < 0.15) parts.push(Buffer.from(Array.from({ length: Math.floor(r() * 300) }, () => Math.floor(r() * 256))));
    else if (c < 0.2) parts.push(Buffer.alloc(3000 + Math.floor(r() * 3000), 0x41 + Math.floor(r() * 26)));
    else parts.push(Buffer.from(`${mutate(r, REAL[Math.floor(r() * REAL.length)])}\n`));
  }
  return Buffer.concat(parts);
}

describe.each(LOG_FORMATS)("fuzzing the %s parser", (format) => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])("seed %i: nothing escapes, every line is accounted for", (seed) => {
    const r = rng(seed * 7919 + format.length);
    const now = new Date();
    for (let round = 0; round < 40; round++) {
      const input = randomInput(r);
      let consumed = 0;
      const offsets = new Set<number>();
      const parser = createParser(
        format,
        {
          record: (rec) => {
            consumed += rec.lines;
            offsets.add(rec.offset);
            const e = normalizeRecord(rec, `k:${rec.offset}`, "fuzz", now);
            pgText(e.raw);
            pgJson(e.fields);
          },
          unparsed: (u) => {
            consumed += u.lines;
            offsets.add(u.offset);
            pgJson(unparsedEvent(u, `k:${u.offset}`, now).fields);
          },
          blank: () => consumed++,
        },
        { logLinePrefix: r() < 0.5 ? "%m [%p] %q%u@%d " : undefined },
      );
      // Random chunk boundaries: a line split across reads must come out whole.
      const { lines, end } = splitInRandomChunks(input, 2048, r);
      for (const l of lines) parser.push(l);
      parser.flush();
      expect(consumed).toBe(lines.length);
      const lineOffsets = new Set(lines.map((l) => l.offset));
      for (const o of offsets) expect(lineOffsets.has(o)).toBe(true);
      expect(end).toBe(input.length);
    }
  });
});

describe("fuzzing OTLP records", () => {
  it("maps any JSON a client sends without throwing: each record is an event or a rejection", () => {
    const r = rng(42);
    let events = 0;
    let rejected = 0;
    const now = new Date();
    const values = [
      null,
      1,
      "x",
      true,
      [],
      {},
      { stringValue: "E11000 duplicate key error collection: a.b index: k_1" },
      { kvlistValue: { values: [{ key: "msg", value: { stringValue: "hi" } }] } },
      { intValue: "12" },
      { arrayValue: { values: [{}] } },
    ];
    for (let i = 0; i < 2000; i++) {
      const pick = () => values[Math.floor(r() * values.length)];
      // Each field is well-formed most of the time, so most records reach the mapper; the rest are junk.
      const field = <T>(good: () => T) => (r() < 0.9 ? good() : pick());
      const rec = {
        timeUnixNano: field(() => [String(Math.floor(r() * 2e18)), Math.floor(r() * 2e18), r() * 2e18, r() * 1000, "0", undefined][Math.floor(r() * 6)]),
        severityNumber: field(() => Math.floor(r() * 25)),
        body: pick(),
        attributes: field(() => [
          { key: "exception.type", value: pick() },
          { key: "userId", value: pick() },
          { key: "http.status_code", value: pick() },
        ]),
        traceId: field(() => (r() < 0.5 ? "5b8efff798038103d269b633813fc60c" : undefined)),
      };
      const parsed = OtlpLogRecordSchema.safeParse(rec);
      if (!parsed.success) {
        rejected++;
        // A rejection must name where the record is wrong: ingestOtlpLogs reports it to the client.
        expect(parsed.error.issues[0]?.message).toBeTruthy();
        continue;
      }
      const raw = JSON.stringify(rec);
      const e = normalizeRecord(recordFromOtlp(parsed.data, {}, raw), "k", "otel", now);
      events++;
      // Storable as the store writes it, keeping what was sent, at a real time, never an invalid date.
      expect(e.raw).toBe(raw);
      expect(Number.isFinite(e.occurredAt.getTime())).toBe(true);
      expect(typeof e.kind === "string" && e.kind.length > 0).toBe(true);
      pgText(e.raw);
      pgJson(e.fields);
    }
    expect(events + rejected).toBe(2000);
    // Both paths were exercised: the generator makes valid and invalid records.
    expect(events).toBeGreaterThan(1000);
    expect(rejected).toBeGreaterThan(100);
  });
});
