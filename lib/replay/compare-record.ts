// Compares what a failed write would have stored with what the target holds now. Only the
// write's own fields count: columns or fields the target added (ids, defaults) are not a conflict.
import { canonicalJson } from "./failed-write-input";

export type FieldDiff = { field: string; expected: unknown; actual: unknown };

function jsonSafe(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "bigint") return v.toString();
  if (Buffer.isBuffer(v)) return `\\x${v.toString("hex")}`;
  return v === undefined ? null : v;
}

/** Equality across the representations a driver returns (Date for timestamps, strings for numeric/bigint). */
export function sameValue(expected: unknown, actual: unknown): boolean {
  if (actual instanceof Date) {
    const t = typeof expected === "string" || typeof expected === "number" ? new Date(expected).getTime() : NaN;
    return t === actual.getTime();
  }
  if (typeof expected === "number" && (typeof actual === "string" || typeof actual === "bigint")) return Number(actual) === expected;
  if (typeof expected === "string" && typeof actual === "bigint") return expected === actual.toString();
  if ((expected === null || expected === undefined) && (actual === null || actual === undefined)) return true;
  return canonicalJson(expected) === canonicalJson(jsonSafe(actual));
}

/** Fields of `expected` that `record` holds differently; `unset` lists fields that must be absent. */
export function diffRecord(expected: Record<string, unknown>, record: Record<string, unknown>, unset: string[] = []): FieldDiff[] {
  const out: FieldDiff[] = [];
  for (const [field, value] of Object.entries(expected)) {
    const actual = record[field];
    if (!sameValue(value, actual)) out.push({ field, expected: value ?? null, actual: jsonSafe(actual) });
  }
  for (const field of unset) {
    if (record[field] !== undefined && record[field] !== null) out.push({ field, expected: null, actual: jsonSafe(record[field]) });
  }
  return out;
}

export function jsonSafeRecord(r: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, jsonSafe(v)]));
}
