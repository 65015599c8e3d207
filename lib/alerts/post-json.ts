import "server-only";
import http from "node:http";
import https from "node:https";

export type PostResult =
  { ok: true; status: number; response: string } | { ok: false; status: number | null; response: string | null; error: string; retryable: boolean };

export type PostOptions = { timeoutMs: number; maxResponseBytes: number; headers: Record<string, string> };

/**
 * One POST to exactly `url`: node:http follows no redirect, so a 3xx is an answer (refused, not
 * retried: a destination that moved must be re-configured, not chased to wherever it points).
 * The whole exchange has one deadline; the answer is read up to a cap and the rest dropped.
 * 5xx, 429, 408, timeouts and network errors are worth retrying; other 4xx and 3xx are not.
 */
export function postJson(url: string, body: string, o: PostOptions): Promise<PostResult> {
  return new Promise((resolve) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return resolve({ ok: false, status: null, response: null, error: "the destination URL is not a URL", retryable: false });
    }
    if (u.protocol !== "http:" && u.protocol !== "https:")
      return resolve({ ok: false, status: null, response: null, error: `only http and https destinations are allowed, not ${u.protocol}`, retryable: false });
    const lib = u.protocol === "https:" ? https : http;
    let settled = false;
    const done = (r: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = lib.request(u, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Lockboard-Alerts/1", ...o.headers, "content-length": String(Buffer.byteLength(body)) },
    });
    const timer = setTimeout(() => {
      done({ ok: false, status: null, response: null, error: `no answer within ${o.timeoutMs} ms`, retryable: true });
      req.destroy();
    }, o.timeoutMs);
    req.on("error", (err) => done({ ok: false, status: null, response: null, error: (err as NodeJS.ErrnoException).code ?? err.message, retryable: true }));
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = () => {
        const status = res.statusCode ?? 0;
        const response = Buffer.concat(chunks).toString("utf8");
        if (status >= 200 && status < 300) return done({ ok: true, status, response });
        const retryable = status >= 500 || status === 429 || status === 408;
        const error = status >= 300 && status < 400 ? `redirect to ${res.headers.location ?? "(no location)"} not followed` : `answered ${status}`;
        done({ ok: false, status, response, error, retryable });
      };
      res.on("data", (c: Buffer) => {
        if (size >= o.maxResponseBytes) return;
        chunks.push(c.subarray(0, o.maxResponseBytes - size));
        size += c.length;
        // Enough read: the status is what counts; stop the transfer.
        if (size >= o.maxResponseBytes) {
          finish();
          res.destroy();
        }
      });
      res.on("end", finish);
      res.on("error", () => finish());
    });
    req.end(body);
  });
}
