import "server-only";
import { BSON, type Document } from "mongodb";
import { getMongoClient, splitMongoNamespace } from "../mongo/mongo-client";
import { diffRecord } from "./compare-record";
import { PermanentApplyError, type ApplyResult, type TargetState, type WriteToApply } from "./apply-types";
import { mongoFieldRefusal } from "./replay-policy";

const { EJSON } = BSON;

// Payloads are stored as relaxed Extended JSON ({"$date": …}, {"$oid": …}), compared the same way.
const fromEjson = (v: Record<string, unknown>) => EJSON.deserialize(v as Document, { relaxed: true }) as Record<string, unknown>;
const toEjson = (v: unknown) => EJSON.serialize(v, { relaxed: true }) as Record<string, unknown>;

async function collectionOf(url: string, w: WriteToApply) {
  const { db, collection } = splitMongoNamespace(w.namespace);
  return (await getMongoClient(url)).db(db).collection(collection);
}

function expectedOf(w: WriteToApply): { fields: Record<string, unknown>; unset: string[] } {
  if (w.operation === "update") return { fields: toEjson(fromEjson(w.payload.update?.$set ?? {})), unset: Object.keys(w.payload.update?.$unset ?? {}) };
  return { fields: toEjson(fromEjson({ ...w.payload.document, ...w.key })), unset: [] };
}

/**
 * The filter is built here, field by field, as plain equality on scalar values: never the stored
 * key as-is, so no operator ($where, $expr, …) can reach the server through it.
 */
export function keyFilterOf(w: WriteToApply): Document {
  const refusal = mongoFieldRefusal({ key: w.key, ...w.payload });
  if (refusal) throw new PermanentApplyError(refusal);
  const filter: Document = {};
  for (const [k, v] of Object.entries(w.key)) filter[k] = { $eq: v };
  return filter;
}

/** Only the write's own fields are read back: the document may hold fields no viewer should see. */
function projectionOf(w: WriteToApply): Document {
  const fields = new Set([
    ...Object.keys(w.key),
    ...Object.keys(w.payload.document ?? {}),
    ...Object.keys(w.payload.update?.$set ?? {}),
    ...Object.keys(w.payload.update?.$unset ?? {}),
  ]);
  const projection: Document = fields.has("_id") ? {} : { _id: 0 };
  for (const f of fields) projection[f] = 1;
  return projection;
}

const isDuplicateKey = (err: unknown) => (err as { code?: unknown }).code === 11000;

/**
 * insert → updateOne(key, {$setOnInsert: doc}, {upsert}); upsert → $set only when it changes
 * something; update → $set/$unset (idempotent operators only). Then the key is read back.
 */
export async function applyToMongo(url: string, w: WriteToApply): Promise<ApplyResult> {
  const key = keyFilterOf(w);
  const coll = await collectionOf(url, w);
  let changed = false;
  try {
    if (w.operation === "update") {
      const u = w.payload.update ?? {};
      const update: Document = {};
      if (u.$set) update.$set = fromEjson(u.$set);
      if (u.$unset) update.$unset = u.$unset;
      const res = await coll.updateOne(key, update);
      if (res.matchedCount === 0) throw new PermanentApplyError(`no document in ${w.namespace} with ${JSON.stringify(w.key)} to update`);
      changed = res.modifiedCount > 0;
    } else {
      const doc = fromEjson(w.payload.document ?? {});
      for (const k of Object.keys(w.key)) delete doc[k];
      const fields = Object.keys(doc).length ? doc : { ...w.key };
      const res = await coll.updateOne(key, w.operation === "insert" ? { $setOnInsert: fields } : { $set: fields }, { upsert: true });
      changed = res.upsertedCount > 0 || res.modifiedCount > 0;
    }
  } catch (err) {
    // A concurrent upsert of the same key lost the race: the read-back below decides.
    if (!isDuplicateKey(err) || w.operation === "update") throw err;
  }
  const docs = await coll
    .find(key, { projection: projectionOf(w) })
    .limit(2)
    .toArray();
  if (docs.length === 0) throw new Error(`the document with ${JSON.stringify(w.key)} is not in ${w.namespace} after the write`);
  const record = toEjson(docs[0]);
  if (docs.length > 1)
    return { outcome: "conflict", record, diff: [{ field: "(key)", expected: "exactly one document", actual: "more than one document with this key" }] };
  const { fields, unset } = expectedOf(w);
  const diff = diffRecord(fields, record, unset);
  return { outcome: changed ? "applied" : diff.length ? "conflict" : "already_present", record, diff };
}

export async function readMongoTarget(url: string, w: WriteToApply): Promise<TargetState> {
  const key = keyFilterOf(w);
  const coll = await collectionOf(url, w);
  const docs = await coll
    .find(key, { projection: projectionOf(w) })
    .limit(2)
    .toArray();
  if (docs.length === 0) return { state: "missing" };
  const record = toEjson(docs[0]);
  const { fields, unset } = expectedOf(w);
  return { state: "found", record, diff: diffRecord(fields, record, unset), count: docs.length };
}
