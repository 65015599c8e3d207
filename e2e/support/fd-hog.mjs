// Test child: opens loopback sockets until accept/connect fails with EMFILE, then holds them.
// Run it with a low soft RLIMIT_NOFILE (`ulimit -n 64`); prints "EMFILE <open sockets>" once full.
import net from "node:net";

const sockets = [];
const server = net.createServer((s) => sockets.push(s));
server.on("error", (err) => console.log(`server-error ${err.code}`));
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address();
  const more = () => {
    const c = net.connect(port, "127.0.0.1");
    c.once("connect", () => {
      sockets.push(c);
      setImmediate(more);
    });
    c.once("error", (err) => {
      console.log(`${err.code} ${sockets.length}`);
    });
  };
  more();
});
setInterval(() => {}, 1 << 30);
