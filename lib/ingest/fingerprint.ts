import "server-only";
import { createHash } from "node:crypto";

// One pass: UUIDs, quoted literals, hex, ObjectIds, numbers, runs of white space.
const VARYING = /([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})|('(?:[^']|'')*')|\b(0x[0-9a-fA-F]+)\b|\b([0-9a-f]{24})\b|\b(\d+(?:\.\d+)?)\b|(\s+)/g;
const replaceVarying = (_m: string, uuid?: string, quoted?: string, hex?: string, oid?: string, num?: string) =>
  uuid ? "<uuid>" : quoted ? "'?'" : hex ? "<hex>" : oid ? "<oid>" : num ? "<n>" : " ";

const memo = new Map<string, string>();

/** Removes what varies between occurrences of one failure: numbers, UUIDs, quoted literals, hex. */
export function normalizeMessage(message: string): string {
  let out = memo.get(message);
  if (out === undefined) {
    out = message.replace(VARYING, replaceVarying).trim();
    // Repeated messages ("deadlock detected") hit; unique ones must not grow the map for ever.
    if (memo.size > 50_000) memo.clear();
    memo.set(message, out);
  }
  return out;
}

const cache = new Map<string, Map<string, string>>();
let cached = 0;

/** kind + scope (the source) + the stable part, hashed; memoized without building a key string per event. */
export function fingerprintOf(kind: string, stable: string, scope = ""): string {
  const k = `${kind}\u0001${scope}`;
  let byStable = cache.get(k);
  if (!byStable) cache.set(k, (byStable = new Map()));
  let fp = byStable.get(stable);
  if (!fp) {
    fp = `${kind}:${createHash("sha1").update(scope ? `${scope}|${stable}` : stable).digest("hex").slice(0, 16)}`;
    if (++cached > 20_000) {
      cache.clear();
      cached = 0;
    }
    byStable.set(stable, fp);
  }
  return fp;
}
