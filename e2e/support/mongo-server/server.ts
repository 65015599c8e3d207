// A MongoDB wire-protocol server for tests (no mongod can be installed here): in memory, one
// event loop, so every command is atomic. The official driver talks to it unchanged.
import net from "node:net";
import { ADMIN_COMMANDS } from "./commands-admin";
import { READ_COMMANDS } from "./commands-read";
import { WRITE_COMMANDS } from "./commands-write";
import type { CommandHandler } from "./context";
import { CommandError, toCommandError } from "./errors";
import { ServerState, type ConnInfo, type DelayFn } from "./state";
import type { Doc } from "./values";
import { encodeMsg, encodeReply, MORE_TO_COME, parseMessage, takeMessages, type Request } from "./wire";

const HANDLERS: Record<string, CommandHandler> = { ...ADMIN_COMMANDS, ...READ_COMMANDS, ...WRITE_COMMANDS };
// Handshake and monitoring are never delayed, so a slow server still connects.
const NEVER_DELAYED = new Set(["hello", "isMaster", "ismaster", "ping", "endSessions", "currentOp", "serverStatus", "buildInfo", "buildinfo"]);

export type TestMongoServerOptions = {
  port?: number;
  /** Artificial latency per operation (ms), or a function of the command deciding it. */
  delayMs?: number | DelayFn;
  /** Sockets beyond this are closed at once and counted as rejected (mongod's maxIncomingConnections). */
  maxConnections?: number;
};

export type TestMongoServer = {
  url: string;
  port: number;
  state: ServerState;
  setDelay(delay: number | DelayFn): void;
  stop(): Promise<void>;
};

function toDelayFn(d: number | DelayFn | undefined): DelayFn {
  if (typeof d === "function") return d;
  const ms = d ?? 0;
  return ({ command }) => (NEVER_DELAYED.has(command) ? 0 : ms);
}

async function runCommand(state: ServerState, conn: ConnInfo, db: string, body: Doc): Promise<Doc> {
  const command = Object.keys(body)[0] ?? "";
  const handler = HANDLERS[command];
  if (!handler) return new CommandError(59, `no such command: '${command}'`).toReply();
  const target = body[command];
  const coll = typeof target === "string" ? target : typeof body.collection === "string" ? body.collection : "$cmd";
  const op = { opid: state.nextOpId++, conn, command, db, ns: `${db}.${coll}`, body, startedAt: Date.now() };
  state.inflight.set(op.opid, op);
  conn.ops++;
  try {
    const wait = state.delay({ command, db, body });
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    return await handler({ state, db, body, conn, op });
  } catch (err) {
    return toCommandError(err).toReply();
  } finally {
    conn.ops--;
    state.inflight.delete(op.opid);
  }
}

export async function startTestMongoServer(opts: TestMongoServerOptions = {}): Promise<TestMongoServer> {
  const sockets = new Set<net.Socket>();
  // Made once the port is known (after listen); the connection handler only runs after that.
  // eslint-disable-next-line prefer-const
  let state!: ServerState;
  let nextConnId = 1;
  let nextRequestId = 1;

  const server = net.createServer((socket) => {
    if (state.connections.size >= state.maxConnections) {
      state.rejected++;
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.setNoDelay(true);
    state.totalCreated++;
    const conn: ConnInfo = { id: nextConnId++, remote: `${socket.remoteAddress}:${socket.remotePort}`, openedAt: new Date(), ops: 0 };
    state.connections.set(conn.id, conn);
    let pending = Buffer.alloc(0);
    let queue = Promise.resolve();
    const handle = async (req: Request) => {
      if (req.kind === "unsupported") {
        socket.destroy(); // OP_COMPRESSED and the removed legacy opcodes
        return;
      }
      if (req.kind === "query") {
        const reply = await runCommand(state, conn, req.collection.split(".")[0], req.body);
        if (!socket.destroyed) socket.write(encodeReply(nextRequestId++, req.header.requestId, reply));
        return;
      }
      const reply = await runCommand(state, conn, String(req.body.$db ?? "admin"), req.body);
      if (!(req.flags & MORE_TO_COME) && !socket.destroyed) socket.write(encodeMsg(nextRequestId++, req.header.requestId, reply));
    };
    socket.on("data", (chunk) => {
      const [messages, rest] = takeMessages(pending.length ? Buffer.concat([pending, chunk]) : chunk);
      pending = Buffer.from(rest);
      for (const m of messages) {
        const req = parseMessage(Buffer.from(m));
        queue = queue.then(() => handle(req)).catch(() => void socket.destroy());
      }
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      sockets.delete(socket);
      state.connections.delete(conn.id);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  state = new ServerState(port, opts.maxConnections ?? 1000);
  state.delay = toDelayFn(opts.delayMs);
  return {
    url: `mongodb://127.0.0.1:${port}`,
    port,
    state,
    setDelay: (d) => {
      state.delay = toDelayFn(d);
    },
    stop: async () => {
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
