// A capacity source reads only what it names, only so much of it, and no pattern can stall it.
import { spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SourceInputSchema } from "../sources/source-registry";
import { findPids } from "./proc-fds";
import { processPatternProblem } from "./process-pattern";
import { scrapePrometheusFds } from "./prometheus-fds";

const METRICS = "# HELP process_open_fds Number of open file descriptors.\nprocess_open_fds 42\nprocess_max_fds 1024\n";
const hits: Record<string, number> = {};
let sentBytes = 0;
let base = "";
const server = http.createServer((req, res) => {
  hits[req.url!] = (hits[req.url!] ?? 0) + 1;
  if (req.url === "/metrics") return void res.end(METRICS);
  if (req.url === "/moved") return void res.writeHead(302, { location: "/metrics" }).end();
  if (req.url === "/elsewhere") return void res.writeHead(301, { location: "http://169.254.169.254/latest/meta-data/" }).end();
  if (req.url === "/huge") {
    // 64 MiB of comment lines with the metric at the end, streamed with no Content-Length.
    res.writeHead(200, { "content-type": "text/plain" });
    const line = `# ${"x".repeat(1022)}\n`;
    let left = 65_536;
    const pump = () => {
      while (left > 0) {
        left--;
        sentBytes += line.length;
        if (!res.write(line)) return void res.once("drain", pump);
      }
      res.end(METRICS);
    };
    res.on("close", () => (left = 0));
    return pump();
  }
  if (req.url === "/slow") {
    res.writeHead(200, { "content-type": "text/plain" });
    res.write("# a body that never ends\n");
    return;
  }
  res.writeHead(404).end();
});

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe("Prometheus scrape", () => {
  it("reads process_open_fds from the endpoint itself", async () => {
    expect(await scrapePrometheusFds(`${base}/metrics`, 2_000)).toEqual({ open: 42, max: 1024, labels: "" });
  });

  it("does not follow a redirect: a 3xx is an error naming it", async () => {
    const before = hits["/metrics"] ?? 0;
    await expect(scrapePrometheusFds(`${base}/moved`, 2_000)).rejects.toThrow(/answered 302 \(a redirect to \/metrics\): redirects are not followed/);
    expect(hits["/metrics"] ?? 0).toBe(before);
    await expect(scrapePrometheusFds(`${base}/elsewhere`, 2_000)).rejects.toThrow(/answered 301/);
  });

  it("stops reading past the body cap", async () => {
    sentBytes = 0;
    await expect(scrapePrometheusFds(`${base}/huge`, 10_000, 1024 * 1024)).rejects.toThrow(/more than 1048576 bytes/);
    await new Promise((r) => setTimeout(r, 200));
    // Far less than the 64 MiB on offer left the server: the reader hung up.
    expect(sentBytes).toBeLessThan(16 * 1024 * 1024);
  });

  it("gives up on a body that never ends within the source's timeout", async () => {
    const started = Date.now();
    await expect(scrapePrometheusFds(`${base}/slow`, 500)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe("process pattern", () => {
  it("matches command lines by literal substring", async () => {
    const marker = `lockboard-fds-${process.pid}-${Date.now()}`;
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 10000)", `${marker}xpy`]);
    try {
      await new Promise((r) => setTimeout(r, 200));
      expect(await findPids(`${marker}xpy`)).toEqual([child.pid]);
      // "." is a dot, not "any character": a regular expression would have matched "xpy".
      expect(await findPids(`${marker}.py`)).toEqual([]);
    } finally {
      child.kill();
    }
  });

  it("refuses a pattern that could backtrack catastrophically, an overlong one and any regex syntax", async () => {
    for (const p of ["(a+)+$", "(x|x)*y", "^(\\w+\\s?)*$", ".*.*.*=.*", "gunicorn|uvicorn"])
      expect(processPatternProblem(p), p).toMatch(/not as a regular expression/);
    expect(processPatternProblem("x".repeat(201))).toMatch(/at most 200/);
    expect(processPatternProblem("worker.py --queue high")).toBeNull();
    await expect(findPids("(a+)+$")).rejects.toThrow(/config.pattern is matched as a literal part of the command line/);
  });

  it("is refused when the source is registered (a 400 naming config.pattern at the API)", () => {
    const parsed = SourceInputSchema.safeParse({ name: "evil-proc", kind: "process", config: { pattern: "(a+)+$" } });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]).toMatchObject({ path: ["config", "pattern"] });
    expect(SourceInputSchema.safeParse({ name: "ok-proc", kind: "process", config: { pattern: "gunicorn" } }).success).toBe(true);
    expect(SourceInputSchema.safeParse({ name: "pg", kind: "postgres", url: "postgresql://x@h/db", config: { allowSuperuserTargets: "yes" } }).success).toBe(
      false,
    );
  });
});
