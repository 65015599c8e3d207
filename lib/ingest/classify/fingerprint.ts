import "server-only";
import { createHash } from "node:crypto";

// One pass: UUIDs, quoted literals, hex, ObjectIds, numbers, runs of white space.
const VARYING =
  /([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})|('(?:[^']|'')*')|\b(0x[0-9a-fA-F]+)\b|\b([0-9a-f]{24})\b|\b(\d+(?:\.\d+)?)\b|(\s+)/g;
const replaceVarying = (_m: string, uuid?: string, quoted?: string, hex?: string, oid?: string, num?: string) =>
  uuid ? "<uuid>" : quoted ? "'?'" : hex ? "<hex>" : oid ? "<oid>" : num ? "<n>" : " ";

const memo = new Map<string, string>();

/**
 * A copy of a string that does not keep its parent alive: lines are slices of the 1 MB chunk they
 * were read in, and a long-lived cache key must not pin that chunk (V8 issue 2869's usual fix:
 * slicing a fresh concatenation flattens it into new storage).
 */
export const detached = (s: string): string => (s.length < 13 ? s : (" " + s).slice(1));

/** Removes what varies between occurrences of one failure: numbers, UUIDs, quoted literals, hex. */
export function normalizeMessage(message: string): string {
  let out = memo.get(message);
  if (out === undefined) {
    out = message.replace(VARYING, replaceVarying).trim();
    // Repeated messages ("deadlock detected") hit; unique ones must not grow the map for ever.
    if (memo.size > 50_000) memo.clear();
    memo.set(detached(message), out);
  }
  return out;
}

// scope (the source) → kind → stable part → fingerprint: no key string is built per event.
const cache = new Map<string, Map<string, Map<string, string>>>();
let cached = 0;

/** kind + scope (the source) + the stable part, hashed; memoized. */
export function fingerprintOf(kind: string, stable: string, scope = ""): string {
  let byKind = cache.get(scope);
  if (!byKind) cache.set(detached(scope), (byKind = new Map()));
  let byStable = byKind.get(kind);
  if (!byStable) byKind.set(detached(kind), (byStable = new Map()));
  let fp = byStable.get(stable);
  if (!fp) {
    fp = `${kind}:${createHash("sha1")
      .update(scope ? `${scope}|${stable}` : stable)
      .digest("hex")
      .slice(0, 16)}`;
    if (++cached > 20_000) {
      cache.clear();
      cached = 0;
    }
    byStable.set(detached(stable), fp);
  }
  return fp;
}
