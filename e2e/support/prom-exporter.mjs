// Test child: a real Node process exporting prom-client's default metrics
// (process_open_fds, process_max_fds) on 127.0.0.1:<port>/metrics; prints "PORT <n>".
import http from "node:http";
import client from "prom-client";

const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });
const extra = Number(process.argv[3] ?? 0);
const held = [];
for (let i = 0; i < extra; i++) held.push(http.createServer().listen(0, "127.0.0.1"));

const server = http.createServer(async (req, res) => {
  if (req.url !== "/metrics") return res.writeHead(404).end();
  res.writeHead(200, { "content-type": registry.contentType });
  res.end(await registry.metrics());
});
server.listen(Number(process.argv[2] ?? 0), "127.0.0.1", () => console.log(`PORT ${server.address().port}`));
