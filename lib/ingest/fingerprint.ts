import "server-only";
import { createHash } from "node:crypto";

/** Removes what varies between occurrences of one failure: numbers, UUIDs, quoted literals, hex. */
export function normalizeMessage(message: string): string {
  return message
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "<uuid>")
    .replace(/'(?:[^']|'')*'/g, "'?'")
    .replace(/\b0x[0-9a-f]+\b/gi, "<hex>")
    .replace(/\b[0-9a-f]{24}\b/g, "<oid>")
    .replace(/\b\d+(?:\.\d+)?\b/g, "<n>")
    .replace(/\s+/g, " ")
    .trim();
}

const cache = new Map<string, string>();

export function fingerprintOf(kind: string, stable: string): string {
  const key = `${kind}\u0001${stable}`;
  let fp = cache.get(key);
  if (!fp) {
    fp = `${kind}:${createHash("sha1").update(stable).digest("hex").slice(0, 16)}`;
    if (cache.size > 10_000) cache.clear();
    cache.set(key, fp);
  }
  return fp;
}
