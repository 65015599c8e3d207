import "server-only";
import { createHash } from "node:crypto";

/** Removes what varies between occurrences of one failure: numbers, UUIDs, quoted literals, hex. */
export function normalizeMessage(message: string): string {
  return message
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "<uuid>")
    .replace(/'(?:[^']|'')*'/g, "'?'")
    .replace(/\b0x[0-9a-f]+\b/gi, "<hex>")
    .replace(/\b\d+(?:\.\d+)?\b/g, "<n>")
    .replace(/\s+/g, " ")
    .trim();
}

export function fingerprintOf(kind: string, stable: string): string {
  return `${kind}:${createHash("sha1").update(stable).digest("hex").slice(0, 16)}`;
}
