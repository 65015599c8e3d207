// A plain HTTP receiver for alerts: the demo's (npm run demo sends the scenarios' incidents here)
// and the tests' (lib/alerts/*.int.test.ts). Not part of the dashboard's build.
import http from "node:http";
import type { AddressInfo } from "node:net";

export type ReceivedRequest = { at: number; method: string; url: string; headers: http.IncomingHttpHeaders; body: string; json: unknown };
export type Answer = { status: number; body?: string; headers?: Record<string, string>; delayMs?: number };

export type Receiver = {
  url: string;
  port: number;
  received: ReceivedRequest[];
  /** What the next requests get, in order; the last one repeats. Default: 200 `{"ok":true}`. */
  answers: Answer[];
  close(): Promise<void>;
};

export async function startAlertReceiver(
  o: { port?: number; host?: string; answers?: Answer[]; onRequest?: (r: ReceivedRequest) => void } = {},
): Promise<Receiver> {
  const received: ReceivedRequest[] = [];
  const receiver = { received, answers: o.answers ?? [] } as Receiver;
  let served = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {
        // kept as text
      }
      const r: ReceivedRequest = { at: Date.now(), method: req.method ?? "", url: req.url ?? "", headers: req.headers, body, json };
      received.push(r);
      o.onRequest?.(r);
      const list = receiver.answers;
      const a: Answer = list.length ? list[Math.min(served, list.length - 1)]! : { status: 200, body: '{"ok":true}' };
      served++;
      const send = () => {
        res.writeHead(a.status, { "content-type": "application/json", ...a.headers });
        res.end(a.body ?? "");
      };
      if (a.delayMs) setTimeout(send, a.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 0, o.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  receiver.port = port;
  receiver.url = `http://127.0.0.1:${port}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}
