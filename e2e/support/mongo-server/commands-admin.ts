// Handshake, diagnostics (serverStatus/currentOp from the real sockets and ops) and DDL.
import os from "node:os";
import { Long } from "bson";
import { Query } from "mingo";
import type { CommandContext, CommandHandler } from "./context";
import { currentOpDocs } from "./current-op";
import { CommandError } from "./errors";
import type { IndexSpec } from "./collection";
import type { Doc } from "./values";

export const MAX_WIRE_VERSION = 21; // MongoDB 7.0
const VERSION = "7.0.0";

function hello(kind: "hello" | "isMaster"): CommandHandler {
  return ({ conn, body }) => {
    const app = (body.client as { application?: { name?: string } } | undefined)?.application?.name;
    if (app) conn.appName = app;
    return {
      helloOk: true,
      ...(kind === "hello" ? { isWritablePrimary: true } : { ismaster: true }),
      maxBsonObjectSize: 16 * 1024 * 1024,
      maxMessageSizeBytes: 48_000_000,
      maxWriteBatchSize: 100_000,
      localTime: new Date(),
      logicalSessionTimeoutMinutes: 30,
      connectionId: conn.id,
      minWireVersion: 0,
      maxWireVersion: MAX_WIRE_VERSION,
      readOnly: false,
      ok: 1,
    };
  };
}

const ok: CommandHandler = () => ({ ok: 1 });

const buildInfo: CommandHandler = () => ({
  version: VERSION,
  gitVersion: "lockboard-test-mongo-server",
  versionArray: [7, 0, 0, 0],
  bits: 64,
  maxBsonObjectSize: 16 * 1024 * 1024,
  modules: [],
  ok: 1,
});

const serverStatus: CommandHandler = ({ state }) => {
  const current = state.connections.size;
  const active = [...state.connections.values()].filter((c) => c.ops > 0).length;
  const uptimeMs = Date.now() - state.startedAt;
  return {
    host: `${os.hostname()}:${state.port}`,
    version: VERSION,
    process: "mongod",
    pid: Long.fromNumber(process.pid),
    uptime: Math.floor(uptimeMs / 1000),
    uptimeMillis: Long.fromNumber(uptimeMs),
    localTime: new Date(),
    connections: { current, available: state.maxConnections - current, totalCreated: state.totalCreated, rejected: state.rejected, active, threaded: current },
    opcounters: { ...state.opcounters },
    ok: 1,
  };
};

const CURRENT_OP_OPTIONS = new Set(["currentOp", "$all", "$ownOps", "$db", "lsid", "$clusterTime", "$readPreference", "comment"]);

const currentOp: CommandHandler = (ctx: CommandContext) => {
  const filter = Object.fromEntries(Object.entries(ctx.body).filter(([k]) => !CURRENT_OP_OPTIONS.has(k)));
  const docs = currentOpDocs(ctx, { all: ctx.body.$all === true });
  return { inprog: Object.keys(filter).length ? new Query(filter).find(docs).all() : docs, ok: 1 };
};

const listDatabases: CommandHandler = ({ state, body }) => {
  const databases = [...state.store.dbs.keys()].map((name) => (body.nameOnly ? { name } : { name, sizeOnDisk: 8192, empty: false }));
  const filtered = body.filter ? new Query(body.filter as Doc).find(databases).all() : databases;
  return { databases: filtered, totalSize: 8192 * filtered.length, totalSizeMb: 0, ok: 1 };
};

const listCollections: CommandHandler = ({ state, db, body }) => {
  const docs = state.store
    .collections(db)
    .map((c) =>
      body.nameOnly
        ? { name: c.name, type: "collection" }
        : { name: c.name, type: "collection", options: {}, info: { readOnly: false }, idIndex: { v: 2, key: { _id: 1 }, name: "_id_" } },
    );
  const filtered = body.filter ? (new Query(body.filter as Doc).find(docs).all() as Doc[]) : docs;
  const cursor = (body.cursor as Doc | undefined) ?? {};
  return state.openCursor(`${db}.$cmd.listCollections`, filtered, { batchSize: cursor.batchSize as number | undefined });
};

const create: CommandHandler = ({ state, db, body }) => {
  const name = String(body.create);
  if (state.store.get(db, name)) throw new CommandError(48, `Collection ${db}.${name} already exists.`);
  state.store.ensure(db, name);
  return { ok: 1 };
};

const drop: CommandHandler = ({ state, db, body }) => {
  const name = String(body.drop);
  const nIndexesWas = state.store.get(db, name)?.indexes.size;
  state.store.drop(db, name);
  return { ...(nIndexesWas ? { nIndexesWas, ns: `${db}.${name}` } : {}), ok: 1 };
};

const dropDatabase: CommandHandler = ({ state, db }) => {
  state.store.dropDatabase(db);
  return { dropped: db, ok: 1 };
};

const createIndexes: CommandHandler = ({ state, db, body }) => {
  const [coll, created] = state.store.ensure(db, String(body.createIndexes));
  const before = coll.indexes.size;
  let added = 0;
  for (const spec of (body.indexes as IndexSpec[] | undefined) ?? []) {
    if (!spec.key || !spec.name) throw new CommandError(2, "index specification must have 'key' and 'name'");
    if (coll.createIndex(spec)) added++;
  }
  return {
    createdCollectionAutomatically: created,
    numIndexesBefore: before,
    numIndexesAfter: coll.indexes.size,
    ...(added === 0 ? { note: "all indexes already exist" } : {}),
    ok: 1,
  };
};

const listIndexes: CommandHandler = ({ state, db, body }) => {
  const name = String(body.listIndexes);
  const coll = state.store.get(db, name);
  if (!coll) throw new CommandError(26, `ns does not exist: ${db}.${name}`);
  return state.openCursor(`${db}.${name}`, coll.listIndexes());
};

const dropIndexes: CommandHandler = ({ state, db, body }) => {
  const name = String(body.dropIndexes ?? body.deleteIndexes);
  const coll = state.store.get(db, name);
  if (!coll) throw new CommandError(26, `ns not found ${db}.${name}`);
  const nIndexesWas = coll.indexes.size;
  const index = body.index;
  const names =
    index === "*"
      ? [...coll.indexes.keys()].filter((n) => n !== "_id_")
      : Array.isArray(index)
        ? index.map(String)
        : typeof index === "string"
          ? [index]
          : [coll.indexNameForKey(index as Doc) ?? JSON.stringify(index)];
  for (const n of names) coll.dropIndex(n);
  return { nIndexesWas, ok: 1 };
};

export const ADMIN_COMMANDS: Record<string, CommandHandler> = {
  hello: hello("hello"),
  isMaster: hello("isMaster"),
  ismaster: hello("isMaster"),
  ping: ok,
  buildInfo,
  buildinfo: buildInfo,
  serverStatus,
  currentOp,
  listDatabases,
  listCollections,
  create,
  drop,
  dropDatabase,
  createIndexes,
  listIndexes,
  dropIndexes,
  deleteIndexes: dropIndexes,
  endSessions: ok,
  abortTransaction: ok,
  commitTransaction: ok,
  getParameter: ok,
  whatsmyuri: ({ conn }) => ({ you: conn.remote, ok: 1 }),
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  hostInfo: () => ({ system: { hostname: os.hostname(), numCores: os.cpus().length }, os: { type: os.type() }, ok: 1 }),
};
