// currentOp documents built from the operations really in flight on the server's sockets.
import { Long } from "bson";
import type { CommandContext } from "./context";
import type { InFlight } from "./state";

const OP_TYPES: Record<string, string> = { insert: "insert", update: "update", delete: "remove", find: "query", getMore: "getmore" };

function opDoc(ctx: CommandContext, op: InFlight, now: number) {
  const micros = Math.max(0, Math.round((now - op.startedAt) * 1000));
  const { lsid: _l, $clusterTime: _c, $readPreference: _r, ...command } = op.body;
  return {
    type: "op",
    host: `127.0.0.1:${ctx.state.port}`,
    desc: `conn${op.conn.id}`,
    connectionId: op.conn.id,
    client: op.conn.remote,
    ...(op.conn.appName ? { appName: op.conn.appName } : {}),
    active: true,
    currentOpTime: new Date(now).toISOString(),
    opid: op.opid,
    secs_running: Long.fromNumber(Math.floor(micros / 1e6)),
    microsecs_running: Long.fromNumber(micros),
    op: OP_TYPES[op.command] ?? "command",
    ns: op.ns,
    command,
    numYields: 0,
    waitingForLock: false,
    locks: {},
  };
}

export function currentOpDocs(ctx: CommandContext, opts: { all: boolean }) {
  const now = Date.now();
  const docs: Record<string, unknown>[] = [...ctx.state.inflight.values()].map((op) => opDoc(ctx, op, now));
  if (opts.all) {
    const busy = new Set([...ctx.state.inflight.values()].map((op) => op.conn.id));
    for (const conn of ctx.state.connections.values()) {
      if (busy.has(conn.id)) continue;
      docs.push({
        type: "op",
        host: `127.0.0.1:${ctx.state.port}`,
        desc: `conn${conn.id}`,
        connectionId: conn.id,
        client: conn.remote,
        active: false,
        currentOpTime: new Date(now).toISOString(),
      });
    }
  }
  return docs;
}
