// Update documents applied the way mongod does: operator updates through mingo (plus
// $setOnInsert, which only an upsert's insert applies), replacements keeping _id, and the
// upsert seed taken from the filter's equality fields.
import { update as mingoUpdate, updateOne as mingoUpdateOne } from "mingo";
import { badValue } from "./errors";
import { cloneDoc, isPlainObject, type Doc } from "./values";

export type UpdateSpec = Doc | Doc[];

export function isOperatorUpdate(u: UpdateSpec): u is Doc {
  return !Array.isArray(u) && Object.keys(u).length > 0 && Object.keys(u).every((k) => k.startsWith("$"));
}

function checkUpdate(u: UpdateSpec) {
  if (Array.isArray(u)) return;
  if (!isPlainObject(u)) throw badValue("Update document must be an object");
  const keys = Object.keys(u);
  const ops = keys.filter((k) => k.startsWith("$"));
  if (ops.length > 0 && ops.length !== keys.length)
    throw badValue(
      `Unknown modifier: ${keys.find((k) => !k.startsWith("$"))}. Expected a valid update modifier or pipeline-style update specified as an array`,
    );
}

/** A new document: `doc` with `u` applied (the input is not modified). */
export function applyUpdate(doc: Doc, u: UpdateSpec, opts: { inserting: boolean; arrayFilters?: Doc[] }): Doc {
  checkUpdate(u);
  const next = cloneDoc(doc);
  if (Array.isArray(u)) {
    const arr = [next];
    mingoUpdateOne(arr, {}, u as never);
    return arr[0];
  }
  if (!isOperatorUpdate(u)) {
    for (const k of Object.keys(u)) if (k.startsWith("$")) throw badValue(`The dollar ($) prefixed field '${k}' is not allowed`);
    const replaced: Doc = { _id: doc._id, ...cloneDoc(u as Doc) };
    if (replaced._id === undefined) delete replaced._id;
    return replaced;
  }
  const { $setOnInsert, ...ops } = u as Doc & { $setOnInsert?: Doc };
  if (Object.keys(ops).length > 0) mingoUpdate(next, ops as never, opts.arrayFilters, undefined, { cloneMode: "deep" });
  if (opts.inserting && $setOnInsert) mingoUpdate(next, { $set: $setOnInsert } as never, undefined, undefined, { cloneMode: "deep" });
  return next;
}

function setPath(doc: Doc, path: string, v: unknown) {
  const parts = path.split(".");
  let cur = doc;
  for (const p of parts.slice(0, -1)) {
    if (!isPlainObject(cur[p])) cur[p] = {};
    cur = cur[p] as Doc;
  }
  cur[parts[parts.length - 1]] = cloneDoc(v);
}

/** The document an upsert starts from: the filter's equality fields. */
export function upsertSeed(filter: Doc): Doc {
  const seed: Doc = {};
  const visit = (f: Doc) => {
    for (const [k, v] of Object.entries(f)) {
      if (k === "$and" && Array.isArray(v)) v.forEach((c) => isPlainObject(c) && visit(c));
      if (k.startsWith("$")) continue;
      if (isPlainObject(v) && Object.keys(v).some((x) => x.startsWith("$"))) {
        if ("$eq" in v) setPath(seed, k, v.$eq);
        continue;
      }
      setPath(seed, k, v);
    }
  };
  visit(filter);
  return seed;
}
