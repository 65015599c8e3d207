// One in-memory collection: documents by _id plus every index as key → documents, so equality
// filters on indexed fields do not scan and unique indexes are enforced generically.
import { ObjectId } from "bson";
import { Query } from "mingo";
import { CommandError, duplicateKeyError } from "./errors";
import { getPath, isPlainObject, keyPart, type Doc } from "./values";

export type IndexSpec = { name: string; key: Doc; unique?: boolean; sparse?: boolean; partialFilterExpression?: Doc };

class Index {
  readonly fields: string[];
  readonly entries = new Map<string, Set<Doc>>();
  readonly partial: Query | null;
  multikey = false;
  constructor(readonly spec: IndexSpec) {
    this.fields = Object.keys(spec.key);
    this.partial = spec.partialFilterExpression ? new Query(spec.partialFilterExpression) : null;
  }
  /** The key a document has in this index, or null when the index leaves it out (sparse/partial). */
  keyOf(doc: Doc): { key: string; value: Doc } | null {
    if (this.partial && !this.partial.test(doc)) return null;
    const value: Doc = {};
    let present = 0;
    for (const f of this.fields) {
      const v = getPath(doc, f);
      if (v !== undefined) present++;
      value[f] = v === undefined ? null : v;
    }
    if (this.spec.sparse && present === 0) return null;
    return { key: this.fields.map((f) => keyPart(value[f])).join("|"), value };
  }
  add(doc: Doc) {
    const k = this.keyOf(doc);
    if (!k) return;
    if (this.fields.some((f) => Array.isArray(getPath(doc, f)))) this.multikey = true;
    let set = this.entries.get(k.key);
    if (!set) this.entries.set(k.key, (set = new Set()));
    set.add(doc);
  }
  remove(doc: Doc) {
    const k = this.keyOf(doc);
    if (!k) return;
    const set = this.entries.get(k.key);
    set?.delete(doc);
    if (set && set.size === 0) this.entries.delete(k.key);
  }
}

/** Top-level equality conditions of a filter (`{a: 1}`, `{a: {$eq: 1}}`, `$and` of those). */
function equalities(filter: Doc, out: Map<string, unknown> = new Map()): Map<string, unknown> {
  for (const [k, v] of Object.entries(filter)) {
    if (k === "$and" && Array.isArray(v)) for (const c of v) if (isPlainObject(c)) equalities(c, out);
    if (k.startsWith("$")) continue;
    if (isPlainObject(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === "$eq" && !Array.isArray(v.$eq) && !isPlainObject(v.$eq)) out.set(k, v.$eq);
      continue;
    }
    if (Array.isArray(v) || v instanceof RegExp || (typeof v === "object" && v !== null && "pattern" in v)) continue;
    out.set(k, v);
  }
  return out;
}

export class Collection {
  readonly docs = new Map<string, Doc>();
  readonly indexes = new Map<string, Index>();
  constructor(
    readonly db: string,
    readonly name: string,
  ) {
    this.indexes.set("_id_", new Index({ name: "_id_", key: { _id: 1 }, unique: true }));
  }
  get ns() {
    return `${this.db}.${this.name}`;
  }
  all(): Doc[] {
    return [...this.docs.values()];
  }
  /** Documents that may match `filter`: one index bucket when equality covers an index, else all. */
  candidates(filter: Doc): Doc[] {
    const eq = equalities(filter);
    if (eq.size === 0) return this.all();
    for (const idx of this.indexes.values()) {
      if (idx.multikey || idx.partial || idx.spec.sparse || !idx.fields.every((f) => eq.has(f))) continue;
      const key = idx.fields.map((f) => keyPart(eq.get(f))).join("|");
      return [...(idx.entries.get(key) ?? [])];
    }
    return this.all();
  }
  find(filter: Doc): Doc[] {
    const candidates = this.candidates(filter);
    if (Object.keys(filter).length === 0) return candidates;
    return new Query(filter).find(candidates).all() as Doc[];
  }
  private checkUnique(doc: Doc, self?: Doc) {
    for (const idx of this.indexes.values()) {
      if (!idx.spec.unique) continue;
      const k = idx.keyOf(doc);
      if (!k) continue;
      const holders = idx.entries.get(k.key);
      if (holders && [...holders].some((d) => d !== self)) throw duplicateKeyError(this.ns, idx.spec.name, idx.spec.key, k.value);
    }
  }
  insert(doc: Doc): Doc {
    // mongod stores _id first whatever the client sent.
    doc = { _id: doc._id === undefined ? new ObjectId() : doc._id, ...doc };
    this.checkUnique(doc);
    this.docs.set(keyPart(doc._id), doc);
    for (const idx of this.indexes.values()) idx.add(doc);
    return doc;
  }
  replace(old: Doc, next: Doc) {
    if (keyPart(old._id) !== keyPart(next._id)) {
      throw new CommandError(66, "Performing an update on the path '_id' would modify the immutable field '_id'");
    }
    this.checkUnique(next, old);
    for (const idx of this.indexes.values()) idx.remove(old);
    this.docs.set(keyPart(next._id), next);
    for (const idx of this.indexes.values()) idx.add(next);
  }
  remove(doc: Doc) {
    for (const idx of this.indexes.values()) idx.remove(doc);
    this.docs.delete(keyPart(doc._id));
  }
  /** Returns false when an identical index already exists. */
  createIndex(spec: IndexSpec): boolean {
    const existing = this.indexes.get(spec.name);
    const same = (a: IndexSpec) => keyPart(a.key) === keyPart(spec.key);
    if (existing) {
      if (!same(existing.spec)) throw new CommandError(86, `An existing index has the same name as the requested index. Requested index: ${spec.name}`);
      if (!!existing.spec.unique !== !!spec.unique)
        throw new CommandError(85, `An equivalent index already exists with the same name but different options. Requested index: ${spec.name}`);
      return false;
    }
    for (const idx of this.indexes.values()) {
      if (
        same(idx.spec) &&
        !!idx.spec.unique === !!spec.unique &&
        !!idx.spec.sparse === !!spec.sparse &&
        !idx.spec.partialFilterExpression &&
        !spec.partialFilterExpression
      )
        return false;
    }
    const idx = new Index(spec);
    for (const doc of this.docs.values()) {
      if (spec.unique) {
        const k = idx.keyOf(doc);
        if (k && idx.entries.has(k.key)) throw duplicateKeyError(this.ns, spec.name, spec.key, k.value);
      }
      idx.add(doc);
    }
    this.indexes.set(spec.name, idx);
    return true;
  }
  listIndexes(): Doc[] {
    return [...this.indexes.values()].map(({ spec }) => {
      const out: Doc = { v: 2, key: spec.key, name: spec.name };
      if (spec.unique && spec.name !== "_id_") out.unique = true;
      if (spec.sparse) out.sparse = true;
      if (spec.partialFilterExpression) out.partialFilterExpression = spec.partialFilterExpression;
      return out;
    });
  }
  dropIndex(name: string) {
    if (name === "_id_") throw new CommandError(72, "cannot drop _id index");
    if (!this.indexes.delete(name)) throw new CommandError(27, `index not found with name [${name}]`);
  }
  indexNameForKey(key: Doc): string | undefined {
    for (const idx of this.indexes.values()) if (keyPart(idx.spec.key) === keyPart(key)) return idx.spec.name;
    return undefined;
  }
}
