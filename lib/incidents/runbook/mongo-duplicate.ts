import { lineDiff } from "./line-diff";
import type { IncidentRunbook, RunbookFact, RunbookStep } from "./runbook-types";
import { splitTopLevel } from "./sql-scan";

export type MongoDupKey = {
  database: string | null;
  collection: string;
  index: string;
  /** The index's key fields, in order, when the message or the index name says them. */
  fields: string[] | null;
  /** Where the fields were read: the message's `dup key: { f: … }`, or the index name. */
  fieldsFrom?: "message" | "index name" | null;
  /** Values as printed (`"x"`, `1`, `ObjectId('…')`), in the order of the fields. */
  values: string[];
};

/** `messageId_1` → [messageId]; `a_1_b_-1` → [a, b]; `_id_` → [_id]; `loc_2dsphere`; a custom name → null. */
export function fieldsFromIndexName(index: string): string[] | null {
  if (index === "_id_") return ["_id"];
  if (!/_(-?1|2d|2dsphere|text|hashed)$/.test(index)) return null;
  const parts = index.split(/_(?:-?1|2d|2dsphere|text|hashed)(?:_|$)/).filter(Boolean);
  return parts.length ? parts : null;
}

/**
 * `E11000 duplicate key error collection: db.c index: name_1 dup key: { name: "x" }` (4.x+),
 * the same with `{ : "x" }` (3.x), and `E11000 duplicate key error index: db.c.$name_1  dup key: { : "x" }` (2.x).
 */
export function parseE11000(text: string | null | undefined): MongoDupKey | null {
  if (!text) return null;
  const m = /E11000 duplicate key error (?:collection: ([^\s"',]+) index: ([^\s"',]+)|index: ([^\s"',]+?)\.\$([^\s"',]+))/.exec(text);
  if (!m) return null;
  const ns = m[1] ?? m[3]!;
  const index = m[2] ?? m[4]!;
  const dot = ns.indexOf(".");
  const out: MongoDupKey = {
    database: dot > 0 ? ns.slice(0, dot) : null,
    collection: dot > 0 ? ns.slice(dot + 1) : ns,
    index,
    fields: fieldsFromIndexName(index),
    values: [],
  };
  const body = braces(text, m.index + m[0].length);
  if (body) {
    const names: string[] = [];
    for (const pair of splitTopLevel(body)) {
      const kv = /^([\w.$]*)\s*:\s*([\s\S]*)$/.exec(pair);
      if (!kv) continue;
      names.push(kv[1]!);
      out.values.push(kv[2]!.trim());
    }
    if (names.length && names.every(Boolean)) {
      out.fields = names;
      out.fieldsFrom = "message";
    }
  }
  out.fieldsFrom ??= out.fields ? "index name" : null;
  return out;
}

/** The inside of the `{ … }` after `dup key:`, braces and quotes balanced (a log may escape its quotes). */
function braces(text: string, from: number): string | null {
  const at = text.indexOf("dup key:", from);
  if (at === -1 || at - from > 5) return null;
  const open = text.indexOf("{", at);
  if (open === -1) return null;
  const t = text.slice(open).replace(/\\"/g, '"');
  let depth = 0;
  let quote = false;
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    if (c === '"' && t[i - 1] !== "\\") quote = !quote;
    if (quote) continue;
    if (c === "{") depth++;
    if (c === "}" && --depth === 0) return t.slice(1, i).trim();
  }
  return null;
}

/** A driver error's `keyPattern` / `keyValue` (MongoServerError, 4.4+), when the log kept the error object. */
export function keyFromDriverError(json: Record<string, unknown> | null): { fields: string[]; values: unknown[] } | null {
  const find = (o: unknown, depth: number): Record<string, unknown> | null => {
    if (!o || typeof o !== "object" || depth > 3) return null;
    const r = o as Record<string, unknown>;
    if (r.keyPattern && typeof r.keyPattern === "object") return r;
    for (const v of Object.values(r)) {
      const f = find(v, depth + 1);
      if (f) return f;
    }
    return null;
  };
  const e = find(json, 0);
  if (!e) return null;
  const fields = Object.keys(e.keyPattern as object);
  const kv = (e.keyValue ?? {}) as Record<string, unknown>;
  return { fields, values: fields.map((f) => kv[f]) };
}

/** An index as the source's listIndexes describes it (mongo-catalog.ts). */
export type MongoIndexInfo = { key: Record<string, unknown>; unique: boolean; partialFilterExpression: Record<string, unknown> | null; sparse: boolean };

export type MongoDuplicateInput = {
  source: string;
  dup: MongoDupKey;
  /** The index read from a MongoDB source (and which), or why it was not. */
  index?: { info: MongoIndexInfo | null; from: string | null; note: string | null };
  /** The document the failed write carried (a captured failed write, or the log's payload). */
  document: Record<string, unknown> | null;
  keyStats: { distinct: number; maxPerKey: number; events: number } | null;
  /** An upstream failure just before the duplicates (the retry-after-error pattern). */
  upstreamBefore: boolean;
  failedWrites: number;
};

const jsKey = (f: string) => (/^[A-Za-z_$][\w$]*$/.test(f) ? f : JSON.stringify(f));
const jsValue = (v: string) => v.replace(/^ObjectId\('([0-9a-f]{24})'\)$/, 'ObjectId("$1")');
const jsCollection = (c: string) => (/^[A-Za-z_][\w]*$/.test(c) ? `db.${c}` : `db.getCollection(${JSON.stringify(c)})`);

export function buildMongoDuplicateRunbook(input: MongoDuplicateInput): IncidentRunbook {
  const info = input.index?.info ?? null;
  // The index's own key wins over what its name or the message suggested.
  const dup = info ? { ...input.dup, fields: Object.keys(info.key) } : input.dup;
  const facts: RunbookFact[] = [];
  const gaps: string[] = [];
  if (input.index?.note) gaps.push(input.index.note);
  if (dup.database) facts.push({ label: "Database", value: dup.database, from: "the E11000 message" });
  facts.push({ label: "Collection", value: dup.collection, from: "the E11000 message" }, { label: "Index", value: dup.index, from: "the E11000 message" });
  const fields = (dup.fields ?? input.document) ? (dup.fields ?? []) : [];
  if (dup.fields)
    facts.push({
      label: dup.fields.length > 1 ? "Key fields" : "Key field",
      value: dup.fields.join(", "),
      from: info ? `listIndexes on ${input.index!.from}` : dup.fieldsFrom === "message" ? "dup key: { … }" : "the index name",
    });
  else
    gaps.push(
      `The index name ${dup.index} does not say its fields and the message is in the old { : value } form: ${jsCollection(dup.collection)}.getIndexes() lists its key.`,
    );
  if (info) {
    facts.push({
      label: "Index definition",
      value: `${JSON.stringify(info.key)
        .replace(/"(\w+)":/g, "$1: ")
        .replace(
          /,/g,
          ", ",
        )}${info.unique ? ", unique" : ""}${info.sparse ? ", sparse" : ""}${info.partialFilterExpression ? `, partial ${JSON.stringify(info.partialFilterExpression)}` : ""}`,
      from: `listIndexes on ${input.index!.from}`,
    });
    if (info.partialFilterExpression)
      gaps.push(
        `The index is partial (${JSON.stringify(info.partialFilterExpression)}): the upsert's filter and document must match that expression, or the upsert inserts a document the index does not cover.`,
      );
  }
  if (dup.values.length) facts.push({ label: "Duplicate value", value: dup.values.join(", "), from: "dup key: { … } (the latest event)" });

  const keyFields = dup.fields ?? ["<key field>"];
  const filter = `{ ${keyFields.map((f, i) => `${jsKey(f)}: ${dup.values[i] !== undefined ? jsValue(dup.values[i]!) : "<value>"}`).join(", ")} }`;
  const rest = input.document ? Object.entries(input.document).filter(([k]) => !keyFields.includes(k) && k !== "_id") : null;
  const setOnInsert =
    rest && rest.length
      ? `{\n    ${rest
          .slice(0, 8)
          .map(([k, v]) => `${jsKey(k)}: ${JSON.stringify(v)}`)
          .join(",\n    ")}${rest.length > 8 ? ",\n    /* … */" : ""}\n  }`
      : "{ /* the other fields of the document */ }";
  const coll = jsCollection(dup.collection);
  const shell = `${dup.database ? `use ${dup.database}\n` : ""}${coll}.updateOne(\n  ${filter},\n  { $setOnInsert: ${setOnInsert} },\n  { upsert: true }\n)`;
  const name = dup.collection.replace(/\W/g, "_");
  const keyList = keyFields.map(jsKey).join(", ");
  const before = `await ${name}.insertOne(doc);`;
  const after = `const { ${keyList}, ...rest } = doc;\nawait ${name}.updateOne({ ${keyList} }, { $setOnInsert: rest }, { upsert: true });`;

  const steps: RunbookStep[] = [
    {
      text: `Write it as an upsert keyed on ${dup.index}'s field${keyFields.length > 1 ? "s" : ""} (${keyFields.join(", ")}): the first write inserts, a repeat finds the document and changes nothing.`,
      blocks: [
        { type: "code", lang: "js", title: "mongosh", text: shell },
        { type: "diff", title: "In the application (Node.js driver)", lines: lineDiff(before, after) },
      ],
    },
    {
      text: `Two upserts racing on the same key can still both try to insert; MongoDB 4.2+ retries that itself when the filter is an equality match on the unique index's fields (this one is). On older servers, or a filter with more than the key, retry once on code 11000 in the driver: the second try finds the document.`,
      blocks: [
        {
          type: "code",
          lang: "js",
          text: `for (let attempt = 1; ; attempt++) {\n  try { await ${name}.updateOne({ ${keyList} }, { $setOnInsert: rest }, { upsert: true }); break; }\n  catch (err) { if (err.code !== 11000 || attempt === 3) throw err; }\n}`,
        },
      ],
    },
    {
      text: "If the retry carries newer content that should win (a regenerated reply), move those fields from $setOnInsert to $set; keep createdAt and the ids under $setOnInsert.",
    },
  ];
  if (input.upstreamBefore)
    steps.push({
      text: "These duplicates follow upstream failures of the same request: the retry path writes again what the first attempt already saved. Send one idempotency key (the messageId) through the retry, and write with the upsert above.",
    });
  if (input.keyStats && input.keyStats.events > 1) {
    const { distinct, maxPerKey, events } = input.keyStats;
    steps.push({
      text: `Of the latest ${events} events, ${distinct} distinct key value${distinct === 1 ? "" : "s"}${maxPerKey > 1 ? `, up to ${maxPerKey} times each` : ", once each"}: ${maxPerKey > 1 ? "a retry loop on the same documents" : "each document written twice (a retry after a success)"}.`,
    });
  }
  if (input.failedWrites > 0)
    steps.push({
      text: `${input.failedWrites} failed write${input.failedWrites === 1 ? " was" : "s were"} handed to Lockboard: replay them (applied, already present or conflict when the stored document differs).`,
      link: { label: "Failed writes", href: "/failed-writes" },
    });
  if (fields.length === 0 && !dup.fields) gaps.push("Without the key fields the filter above has placeholders.");
  return {
    title: `Duplicate insert on ${dup.collection} (${dup.index})`,
    summary: `MongoDB refused a second document with the same ${keyFields.join(", ")} in ${dup.database ? `${dup.database}.` : ""}${dup.collection} (E11000 on unique index ${dup.index}).`,
    engine: "mongodb",
    facts,
    steps,
    gaps,
  };
}
