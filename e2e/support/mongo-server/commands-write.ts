// insert / update / delete / findAndModify with mongod's replies: counts, upserted ids and
// writeErrors (ordered batches stop at the first error, unordered ones go on).
import { find as mingoFind } from "mingo";
import type { CommandContext, CommandHandler } from "./context";
import { toCommandError } from "./errors";
import { applyUpdate, upsertSeed, type UpdateSpec } from "./update";
import { cloneDoc, keyPart, type Doc } from "./values";

function eachWrite<T>(items: T[], ordered: boolean, fn: (item: T, index: number) => void): Doc[] {
  const writeErrors: Doc[] = [];
  for (let i = 0; i < items.length; i++) {
    try {
      fn(items[i], i);
    } catch (err) {
      writeErrors.push(toCommandError(err).toWriteError(i));
      if (ordered) break;
    }
  }
  return writeErrors;
}

const withErrors = (reply: Doc, writeErrors: Doc[]) => (writeErrors.length ? { ...reply, writeErrors, ok: 1 } : { ...reply, ok: 1 });

const insert: CommandHandler = ({ state, db, body }) => {
  const [coll] = state.store.ensure(db, String(body.insert));
  const docs = (body.documents as Doc[] | undefined) ?? [];
  let n = 0;
  const writeErrors = eachWrite(docs, body.ordered !== false, (doc) => {
    state.opcounters.insert++;
    coll.insert(cloneDoc(doc));
    n++;
  });
  return withErrors({ n }, writeErrors);
};

type UpdateStatement = { q?: Doc; u: UpdateSpec; upsert?: boolean; multi?: boolean; arrayFilters?: Doc[] };

const update: CommandHandler = ({ state, db, body }) => {
  const [coll] = state.store.ensure(db, String(body.update));
  const statements = (body.updates as UpdateStatement[] | undefined) ?? [];
  let n = 0;
  let nModified = 0;
  const upserted: Doc[] = [];
  const writeErrors = eachWrite(statements, body.ordered !== false, (s, index) => {
    state.opcounters.update++;
    const q = s.q ?? {};
    const matches = coll.find(q);
    if (matches.length === 0) {
      if (!s.upsert) return;
      const doc = coll.insert(applyUpdate(upsertSeed(q), s.u, { inserting: true, arrayFilters: s.arrayFilters }));
      upserted.push({ index, _id: doc._id });
      n++;
      return;
    }
    for (const m of s.multi ? matches : matches.slice(0, 1)) {
      const next = applyUpdate(m, s.u, { inserting: false, arrayFilters: s.arrayFilters });
      n++;
      if (keyPart(next) === keyPart(m)) continue;
      coll.replace(m, next);
      nModified++;
    }
  });
  return withErrors({ n, nModified, ...(upserted.length ? { upserted } : {}) }, writeErrors);
};

const remove: CommandHandler = ({ state, db, body }) => {
  const coll = state.store.get(db, String(body.delete));
  const statements = (body.deletes as { q?: Doc; limit?: number }[] | undefined) ?? [];
  let n = 0;
  const writeErrors = eachWrite(statements, body.ordered !== false, (s) => {
    state.opcounters.delete++;
    if (!coll) return;
    const matches = coll.find(s.q ?? {});
    for (const m of s.limit === 1 ? matches.slice(0, 1) : matches) {
      coll.remove(m);
      n++;
    }
  });
  return withErrors({ n }, writeErrors);
};

function project(doc: Doc | null | undefined, fields: Doc | undefined): Doc | null {
  if (!doc) return null;
  return fields && Object.keys(fields).length ? (mingoFind([doc], {}, fields).all()[0] as Doc) : doc;
}

const findAndModify: CommandHandler = ({ state, db, body }: CommandContext) => {
  const name = String(body.findAndModify ?? body.findandmodify);
  const [coll] = state.store.ensure(db, name);
  const query = (body.query as Doc | undefined) ?? {};
  let matches = coll.find(query);
  if (body.sort && matches.length > 1)
    matches = mingoFind(matches, {})
      .sort(body.sort as Doc)
      .all() as Doc[];
  const target = matches[0];
  const fields = body.fields as Doc | undefined;
  if (body.remove) {
    state.opcounters.delete++;
    if (target) coll.remove(target);
    return { lastErrorObject: { n: target ? 1 : 0 }, value: project(target, fields), ok: 1 };
  }
  state.opcounters.update++;
  const u = body.update as UpdateSpec;
  if (target) {
    const next = applyUpdate(target, u, { inserting: false, arrayFilters: body.arrayFilters as Doc[] | undefined });
    if (keyPart(next) !== keyPart(target)) coll.replace(target, next);
    return { lastErrorObject: { n: 1, updatedExisting: true }, value: project(body.new ? next : target, fields), ok: 1 };
  }
  if (!body.upsert) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
  const doc = coll.insert(applyUpdate(upsertSeed(query), u, { inserting: true }));
  return { lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id }, value: body.new ? project(doc, fields) : null, ok: 1 };
};

export const WRITE_COMMANDS: Record<string, CommandHandler> = {
  insert,
  update,
  delete: remove,
  findAndModify,
  findandmodify: findAndModify,
};
