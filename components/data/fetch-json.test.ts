import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError, describeError, fetchJson, refetchWhileStoreDown, retryDelayOf, retryUnlessClientError } from "./fetch-json";

// A real HTTP server answering the way the API's error map does (lib/http/errors.ts).
let server: Server;
let base = "";
beforeAll(async () => {
  server = createServer((req, res) => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.url === "/ok") return send(200, { items: [1] });
    if (req.url === "/down")
      return send(503, { error: { code: "store_unavailable", message: "the dashboard's store did not answer (connection refused)" } }, { "retry-after": "5" });
    if (req.url === "/forbidden") return send(403, { error: { code: "forbidden", message: "operators only" } });
    if (req.url === "/gone") return send(404, { error: { code: "not_found", message: "no incident 7" } });
    if (req.url === "/bug") return send(500, { error: { code: "internal_error", message: "an unexpected error occurred (id Xk3_9aQe)", id: "Xk3_9aQe" } });
    if (req.url === "/html") {
      res.writeHead(502, "Bad Gateway", { "content-type": "text/html" });
      return res.end("<h1>502</h1>");
    }
    if (req.url === "/slow") return void setTimeout(() => send(200, {}), 5_000);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const failure = (path: string) =>
  fetchJson(`${base}${path}`).then(
    () => null,
    (e: unknown) => e,
  );

describe("fetchJson", () => {
  it("returns the body of a success", async () => expect(await fetchJson(`${base}/ok`)).toEqual({ items: [1] }));

  it("keeps status, code, message, Retry-After and the error id of a failure", async () => {
    expect(await failure("/down")).toMatchObject({
      status: 503,
      code: "store_unavailable",
      retryAfter: 5,
      message: expect.stringContaining("connection refused"),
    });
    expect(await failure("/forbidden")).toMatchObject({ status: 403, code: "forbidden", message: "operators only" });
    expect(await failure("/gone")).toMatchObject({ status: 404, code: "not_found" });
    expect(await failure("/bug")).toMatchObject({ status: 500, code: "internal_error", id: "Xk3_9aQe" });
    expect(await failure("/html")).toMatchObject({ status: 502, code: "http_error", message: "502 Bad Gateway" });
    for (const p of ["/down", "/forbidden", "/html"]) expect(await failure(p)).toBeInstanceOf(ApiError);
  });

  it("a request with no answer is status 0; an aborted one stays an abort", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    expect(await fetchJson(`http://127.0.0.1:${port}/`).catch((e) => e)).toMatchObject({ status: 0, code: "unreachable" });

    const ac = new AbortController();
    const pending = fetchJson(`${base}/slow`, { signal: ac.signal }).catch((e) => e);
    ac.abort();
    const err = await pending;
    expect(err).not.toBeInstanceOf(ApiError);
    expect((err as Error).name).toBe("AbortError");
  });
});

describe("what the pages do with it", () => {
  it("retries once, never a 4xx, after the server's Retry-After", async () => {
    const down = await failure("/down");
    expect(retryUnlessClientError(0, down)).toBe(true);
    expect(retryUnlessClientError(1, down)).toBe(false);
    for (const p of ["/forbidden", "/gone"]) expect(retryUnlessClientError(0, await failure(p))).toBe(false);
    expect(retryUnlessClientError(0, new TypeError("x"))).toBe(true);
    expect(retryDelayOf(0, down)).toBe(5_000);
    expect(refetchWhileStoreDown(down)).toBe(5_000);
    expect(refetchWhileStoreDown(await failure("/gone"))).toBe(false);
  });

  it("tells store down from forbidden from not found", async () => {
    const titles = await Promise.all(["/down", "/forbidden", "/gone", "/bug"].map(async (p) => describeError((await failure(p)) as Error).title));
    expect(titles[0]).toMatch(/store is unreachable; retrying/);
    expect(titles[1]).toMatch(/not allowed/i);
    expect(titles[2]).toBe("Not found");
    expect(new Set(titles).size).toBe(4);
    expect(describeError((await failure("/forbidden")) as Error).detail).toBe("operators only");
  });
});
