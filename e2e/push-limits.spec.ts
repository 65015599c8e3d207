import http from "node:http";
import { gzipSync } from "node:zlib";
import { expect, test } from "@playwright/test";
import { E2E_TOKENS } from "./support/e2e-state";

// Body limits against the production server, whose proxy.ts makes Next buffer (and, past its
// buffer limit, silently cut) every request body: each limit holds whatever the transfer encoding.
const INGEST_LIMIT = 10 * 1024 * 1024; // LOCKBOARD_INGEST_MAX_BYTES default
const FAILED_WRITES_LIMIT = 5_000_000;
const IMPORT_LIMIT = 50_000_000;
const port = Number(process.env.LOCKBOARD_E2E_PORT ?? 3100);
test.setTimeout(300_000);

type Sent = { status: number; body: { error?: { code: string; message: string } } & Record<string, unknown> };

/** Posts with Node's client: Playwright's always sets Content-Length, a shipper may stream chunked. */
function post(path: string, body: Buffer, opts: { chunked: boolean; token: string; type: string; gzip?: boolean }): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${opts.token}`, "content-type": opts.type };
    if (opts.gzip) headers["content-encoding"] = "gzip";
    if (!opts.chunked) headers["content-length"] = String(body.length);
    let failure: Error | null = null;
    let answered = false;
    const req = http.request({ host: "127.0.0.1", port, path, method: "POST", headers }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (d: Buffer) => parts.push(d));
      res.on("end", () => {
        answered = true;
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(parts).toString("utf8") || "{}") });
      });
    });
    // The server may answer 413 before the upload ends (EPIPE while writing): the answer is what counts.
    req.on("error", (err) => (failure = err));
    req.on("close", () => setTimeout(() => !answered && reject(failure ?? new Error("connection closed without an answer")), 100));
    if (opts.chunked) {
      for (let at = 0; at < body.length; at += 256 * 1024) req.write(body.subarray(at, at + 256 * 1024));
      req.end();
    } else req.end(body);
  });
}

/** NDJSON of exactly `size` bytes: 8 KB lines, numbered, the last one padded to fit. */
function ndjsonOf(size: number, tag: string): { body: Buffer; lines: number } {
  const out: string[] = [];
  let used = 0;
  for (let i = 0; used < size; i++) {
    const head = `{"level":"info","msg":"${tag} line ${i}","pad":"`;
    const room = Math.min(8192, size - used) - head.length - 3; // `"}` + newline
    if (room < 0) {
      out[out.length - 1] = out[out.length - 1].replace(/"}\n$/, `${"x".repeat(size - used)}"}\n`);
      break;
    }
    const line = `${head}${"x".repeat(room)}"}\n`;
    out.push(line);
    used += line.length;
  }
  const body = Buffer.from(out.join(""));
  expect(body.length).toBe(size);
  return { body, lines: out.length };
}

for (const gzip of [false, true]) {
  for (const chunked of [false, true]) {
    const how = `${gzip ? "gzip" : "plain"}, ${chunked ? "chunked" : "Content-Length"}`;
    test(`NDJSON push (${how}): just under the limit is stored whole, just over is a 413 naming the limit`, async () => {
      const tag = `limit-${gzip ? "gz" : "pl"}-${chunked ? "ch" : "cl"}-${Date.now().toString(36)}`;
      const send = (b: Buffer) =>
        post(`/api/ingest?source=${tag}`, gzip ? gzipSync(b) : b, { chunked, gzip, token: E2E_TOKENS.ingest, type: "application/x-ndjson" });
      const under = ndjsonOf(INGEST_LIMIT - 100, tag);
      const ok = await send(under.body);
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ accepted: under.lines, rejected: 0, inserted: under.lines });
      const over = await send(ndjsonOf(INGEST_LIMIT + 100, `${tag}-over`).body);
      expect(over.status).toBe(413);
      expect(over.body.error?.message).toContain(String(INGEST_LIMIT));
    });
  }
}

test("OTLP push: just under the limit is read whole, just over is a 413, chunked and with Content-Length", async () => {
  const otlp = (size: number) => {
    const head = '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"';
    const tail = '"}}]}]}]}';
    return Buffer.from(`${head}${"y".repeat(size - head.length - tail.length)}${tail}`);
  };
  for (const chunked of [false, true]) {
    const ok = await post("/api/ingest/v1/logs?source=otlp-limit", otlp(INGEST_LIMIT - 100), { chunked, token: E2E_TOKENS.ingest, type: "application/json" });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ accepted: 1 });
    const over = await post("/api/ingest/v1/logs?source=otlp-limit", otlp(INGEST_LIMIT + 100), { chunked, token: E2E_TOKENS.ingest, type: "application/json" });
    expect(over.status).toBe(413);
    expect(over.body.error?.message).toContain(String(INGEST_LIMIT));
  }
});

test("failed-writes push: just under 5 MB is read whole (then judged), just over is a 413", async () => {
  const json = (size: number) => Buffer.from(`{"writes":"${"z".repeat(size - 13)}"}`);
  for (const chunked of [false, true]) {
    const under = await post("/api/failed-writes", json(FAILED_WRITES_LIMIT - 100), { chunked, token: E2E_TOKENS.failedWrites, type: "application/json" });
    expect(under.status).toBe(400);
    expect(under.body.error?.code).toBe("bad_request"); // parsed whole: only the field is wrong
    const over = await post("/api/failed-writes", json(FAILED_WRITES_LIMIT + 100), { chunked, token: E2E_TOKENS.failedWrites, type: "application/json" });
    expect(over.status).toBe(413);
    expect(over.body.error?.message).toContain(String(FAILED_WRITES_LIMIT));
  }
});

test("a failed-writes import arrives whole up to 50 MB, and is a 413 past it, even past the proxy's buffer", async () => {
  // Lines that are not JSON are kept as unparsed submissions by number: the last line's number proves the whole file arrived.
  const importOf = (size: number) => {
    const line = `${"w".repeat(1024 * 1024 - 1)}\n`;
    const n = Math.floor(size / line.length);
    const last = `end-of-import ${"e".repeat(size - n * line.length - 14)}`;
    const body = Buffer.from(line.repeat(n) + last);
    expect(body.length).toBe(size);
    return { body, lines: n + 1 };
  };
  const under = importOf(IMPORT_LIMIT - 100);
  for (const chunked of [true, false]) {
    const res = await post("/api/failed-writes/import", under.body, { chunked, token: E2E_TOKENS.failedWrites, type: "application/x-ndjson" });
    expect(res.status).toBe(200);
    expect(res.body.lines).toBe(under.lines);
    expect((res.body.malformed as { line: number }[]).at(-1)?.line).toBe(under.lines);
  }
  for (const size of [IMPORT_LIMIT + 100, IMPORT_LIMIT + 12 * 1024 * 1024]) {
    for (const chunked of [true, false]) {
      const res = await post("/api/failed-writes/import", importOf(size).body, { chunked, token: E2E_TOKENS.failedWrites, type: "application/x-ndjson" });
      expect(res.status).toBe(413);
      expect(res.body.error?.message).toContain(String(IMPORT_LIMIT));
    }
  }
});
