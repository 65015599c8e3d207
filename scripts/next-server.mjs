// Serves the built dashboard like `next start`, with one difference: the socket's peer address is
// appended to X-Forwarded-For, as every proxy does. `next start` fills that header from the
// socket only when the client sent none, so a client could otherwise pick the address the
// sign-in limits key on (lib/http/client-address.ts reads the last entry as the real peer).
import { createServer } from "node:http";
import { parseArgs } from "node:util";

// Before Next loads, as `next start` does: React and Next pick their production builds from it.
process.env.NODE_ENV = "production";
const { default: next } = await import("next");

const { values } = parseArgs({ options: { port: { type: "string", default: "3000" }, host: { type: "string", default: "127.0.0.1" } } });
const port = Number(values.port);
// Where this instance listens, for the Settings page's list of instances (lib/fleet/instance.ts).
process.env.LOCKBOARD_LISTEN_ADDRESS = `${values.host}:${port}`;
const app = next({ dev: false, hostname: values.host, port });
const handle = app.getRequestHandler();
await app.prepare();

const server = createServer((req, res) => {
  const peer = req.socket.remoteAddress ?? "";
  const sent = req.headers["x-forwarded-for"];
  const chain = (Array.isArray(sent) ? sent.join(", ") : (sent ?? "")).trim();
  req.headers["x-forwarded-for"] = chain ? `${chain}, ${peer}` : peer;
  handle(req, res).catch((err) => {
    console.error("[next] request failed:", err);
    if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
    res.end("internal error");
  });
});
server.on("upgrade", app.getUpgradeHandler());
// As `next start`: idle keep-alive sockets do not hold a worker forever, slow headers are cut off.
server.keepAliveTimeout = 5_000;
server.headersTimeout = 60_000;
server.listen(port, values.host, () => console.log(`[next] ready on http://${values.host}:${port}`));

const stop = () => {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 5_000).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
