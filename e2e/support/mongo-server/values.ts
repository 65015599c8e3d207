// Value helpers for the test MongoDB server: copying documents, index keys, and mongod's
// rendering of key values in E11000 messages.
import { Binary, Decimal128, Long, ObjectId, Timestamp } from "bson";
import { resolve } from "mingo/util";

export type Doc = Record<string, unknown>;

function isPlainObject(v: unknown): v is Doc {
  if (v === null || typeof v !== "object") return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Deep copy of plain objects and arrays; BSON value classes are immutable and shared. */
export function cloneDoc<T>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneDoc) as T;
  if (v instanceof Date) return new Date(v.getTime()) as T;
  if (isPlainObject(v)) {
    const out: Doc = {};
    for (const [k, x] of Object.entries(v)) out[k] = cloneDoc(x);
    return out as T;
  }
  return v;
}

export function getPath(doc: Doc, path: string): unknown {
  return path.includes(".") ? resolve(doc, path) : doc[path];
}

/** A canonical string for one index key component; numbers of any BSON width compare equal. */
export function keyPart(v: unknown): string {
  if (v === undefined || v === null) return "null";
  if (typeof v === "number") return `n:${Object.is(v, -0) ? 0 : v}`;
  if (typeof v === "bigint") return `n:${v}`;
  if (v instanceof Long) return `n:${v.toString()}`;
  if (v instanceof Decimal128) return `n:${Number(v.toString())}`;
  if (typeof v === "string") return `s:${v}`;
  if (typeof v === "boolean") return `b:${v}`;
  if (v instanceof ObjectId) return `o:${v.toHexString()}`;
  if (v instanceof Date) return `d:${v.getTime()}`;
  if (v instanceof Binary) return `x:${Buffer.from(v.buffer).toString("hex")}`;
  if (Array.isArray(v)) return `a:[${v.map(keyPart).join(",")}]`;
  if (isPlainObject(v))
    return `{${Object.entries(v)
      .map(([k, x]) => `${k}=${keyPart(x)}`)
      .join(",")}}`;
  return `?:${String(v)}`;
}

/** mongod's rendering of a value inside `dup key: { … }` (strings in double quotes, numbers bare). */
export function formatKeyValue(v: unknown): string {
  if (v === undefined || v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number") return Number.isInteger(v) || !Number.isFinite(v) ? String(v) : String(v);
  if (typeof v === "boolean") return String(v);
  if (v instanceof Long) return v.toString();
  if (v instanceof ObjectId) return `ObjectId('${v.toHexString()}')`;
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (v instanceof Timestamp) return `Timestamp(${v.high}, ${v.low})`;
  if (Array.isArray(v)) return `[ ${v.map(formatKeyValue).join(", ")} ]`;
  if (isPlainObject(v)) {
    const parts = Object.entries(v).map(([k, x]) => `${k}: ${formatKeyValue(x)}`);
    return parts.length ? `{ ${parts.join(", ")} }` : "{}";
  }
  return String(v);
}

export { isPlainObject };
