// What one test server knows about itself: data, cursors, the real open sockets and the
// operations in flight (serverStatus and currentOp read these, nothing is simulated).
import { Long } from "bson";
import { Store } from "./store";
import { CommandError } from "./errors";
import type { Doc } from "./values";

export type ConnInfo = { id: number; remote: string; appName?: string; openedAt: Date; ops: number };
export type InFlight = { opid: number; conn: ConnInfo; command: string; db: string; ns: string; body: Doc; startedAt: number };
export type DelayFn = (op: { command: string; db: string; body: Doc }) => number;

type CursorState = { ns: string; docs: Doc[]; pos: number; batchSize?: number };

export class ServerState {
  readonly store = new Store();
  readonly connections = new Map<number, ConnInfo>();
  readonly inflight = new Map<number, InFlight>();
  readonly cursors = new Map<number, CursorState>();
  readonly opcounters = { insert: 0, query: 0, update: 0, delete: 0, getmore: 0, command: 0 };
  readonly startedAt = Date.now();
  totalCreated = 0;
  rejected = 0;
  nextOpId = 1;
  private nextCursorId = 1000;
  delay: DelayFn = () => 0;
  constructor(
    readonly port: number,
    readonly maxConnections: number,
  ) {}

  /** `{ cursor: { firstBatch, id, ns } }`, keeping the rest for getMore. */
  openCursor(ns: string, docs: Doc[], opts: { batchSize?: number; singleBatch?: boolean } = {}): Doc {
    const first = opts.batchSize ?? 101;
    const firstBatch = docs.slice(0, first);
    let id = 0;
    if (!opts.singleBatch && docs.length > first) {
      id = this.nextCursorId++;
      this.cursors.set(id, { ns, docs, pos: first, batchSize: opts.batchSize });
    }
    return { cursor: { firstBatch, id: Long.fromNumber(id), ns }, ok: 1 };
  }

  getMore(id: number, batchSize?: number): Doc {
    const c = this.cursors.get(id);
    if (!c) throw new CommandError(43, `cursor id ${id} not found`);
    const n = batchSize ?? c.batchSize ?? c.docs.length;
    const nextBatch = c.docs.slice(c.pos, c.pos + n);
    c.pos += n;
    const done = c.pos >= c.docs.length;
    if (done) this.cursors.delete(id);
    return { cursor: { nextBatch, id: Long.fromNumber(done ? 0 : id), ns: c.ns }, ok: 1 };
  }
}
