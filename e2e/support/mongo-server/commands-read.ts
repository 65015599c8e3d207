// find / getMore / killCursors / count / distinct / aggregate (mingo runs the pipeline stages).
import { Aggregator, Query } from "mingo";
import type { CommandContext, CommandHandler } from "./context";
import { currentOpDocs } from "./current-op";
import { badValue } from "./errors";
import { getPath, keyPart, type Doc } from "./values";

const find: CommandHandler = ({ state, db, body }) => {
  state.opcounters.query++;
  const name = String(body.find);
  const filter = (body.filter as Doc | undefined) ?? {};
  const coll = state.store.get(db, name);
  const cursor = new Query(filter).find(coll ? coll.candidates(filter) : [], body.projection as Doc | undefined);
  if (body.sort && Object.keys(body.sort as Doc).length) cursor.sort(body.sort as Doc);
  if (typeof body.skip === "number" && body.skip > 0) cursor.skip(body.skip);
  const limit = typeof body.limit === "number" ? body.limit : 0;
  if (limit !== 0) cursor.limit(Math.abs(limit));
  const docs = cursor.all() as Doc[];
  return state.openCursor(`${db}.${name}`, docs, {
    batchSize: typeof body.batchSize === "number" ? body.batchSize : undefined,
    singleBatch: body.singleBatch === true || limit < 0,
  });
};

const getMore: CommandHandler = ({ state, body }) => {
  state.opcounters.getmore++;
  return state.getMore(Number(body.getMore), typeof body.batchSize === "number" ? body.batchSize : undefined);
};

const killCursors: CommandHandler = ({ state, body }) => {
  const ids = ((body.cursors as unknown[]) ?? []).map(Number);
  const killed = ids.filter((id) => state.cursors.delete(id));
  return { cursorsKilled: killed, cursorsNotFound: ids.filter((id) => !killed.includes(id)), cursorsAlive: [], cursorsUnknown: [], ok: 1 };
};

const count: CommandHandler = ({ state, db, body }) => {
  state.opcounters.command++;
  const coll = state.store.get(db, String(body.count));
  const query = (body.query as Doc | undefined) ?? {};
  let n = coll ? coll.find(query).length : 0;
  if (typeof body.skip === "number") n = Math.max(0, n - body.skip);
  if (typeof body.limit === "number" && body.limit > 0) n = Math.min(n, body.limit);
  return { n, ok: 1 };
};

const distinct: CommandHandler = ({ state, db, body }) => {
  const coll = state.store.get(db, String(body.distinct));
  const key = String(body.key);
  const seen = new Map<string, unknown>();
  for (const doc of coll ? coll.find((body.query as Doc | undefined) ?? {}) : []) {
    const v = getPath(doc, key);
    for (const x of Array.isArray(v) ? v : [v]) if (x !== undefined && !seen.has(keyPart(x))) seen.set(keyPart(x), x);
  }
  return { values: [...seen.values()], ok: 1 };
};

const aggregate: CommandHandler = (ctx: CommandContext) => {
  const { state, db, body } = ctx;
  state.opcounters.command++;
  let pipeline = (body.pipeline as Doc[] | undefined) ?? [];
  if (!Array.isArray(pipeline)) throw badValue("'pipeline' option must be specified as an array");
  for (const stage of pipeline) {
    const op = Object.keys(stage)[0];
    if (op === "$out" || op === "$merge") throw badValue(`${op} is not supported by the Lockboard test MongoDB server`);
  }
  let source: Doc[];
  let ns = `${db}.$cmd.aggregate`;
  if (pipeline[0] && "$currentOp" in pipeline[0]) {
    const opts = (pipeline[0].$currentOp as Doc) ?? {};
    source = currentOpDocs(ctx, { all: opts.idleConnections === true });
    pipeline = pipeline.slice(1);
  } else if (typeof body.aggregate === "string") {
    const coll = state.store.get(db, body.aggregate);
    ns = `${db}.${body.aggregate}`;
    const first = pipeline[0]?.$match as Doc | undefined;
    source = coll ? (first ? coll.candidates(first) : coll.all()) : [];
  } else {
    source = [];
  }
  const docs = pipeline.length
    ? (new Aggregator(pipeline, { collectionResolver: (name: string) => state.store.get(db, name)?.all() ?? [] }).run(source) as Doc[])
    : source;
  const cursorOpts = (body.cursor as Doc | undefined) ?? {};
  return state.openCursor(ns, docs, { batchSize: typeof cursorOpts.batchSize === "number" ? cursorOpts.batchSize : undefined });
};

export const READ_COMMANDS: Record<string, CommandHandler> = { find, getMore, killCursors, count, distinct, aggregate };
