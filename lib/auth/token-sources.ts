import "server-only";
import { z } from "zod";
import type { PrismaClient } from "../store/generated/client";
import { HttpError } from "../http/errors";
import { otlpSourceName, SourceNameSchema } from "../sources/source-name";
import type { TokenIdentity } from "./api-tokens";

export const TokenSourcesSchema = z
  .array(SourceNameSchema)
  .max(50)
  .transform((a) => [...new Set(a)]);

// The one kind an unbound ingest token may write to: a source that is nothing but its logs.
const LOG_KIND = "log";

/**
 * Refuses (403, naming the source) a push to a source outside the token's reach:
 * - a bound token (created with sources) reaches exactly those names;
 * - an unbound ingest token reaches new names and `log` sources only, never the name of a
 *   postgres, mongodb, process or other monitored source (its events would pass for that
 *   source's own);
 * - an unbound failed-writes token (the env token among them) reaches every source; the
 *   source's declared replay namespaces still limit what it accepts.
 * `sources` are names, or the numeric ids a failed write may use; each is checked before anything is written.
 */
export async function assertTokenMaySources(
  prisma: PrismaClient,
  identity: TokenIdentity,
  // A function when listing the sources costs something (an NDJSON import is parsed twice).
  sources: Iterable<string | number> | (() => Iterable<string | number>),
): Promise<void> {
  if (!identity.sources.length && identity.scope !== "ingest") return;
  const wanted = [...new Set(typeof sources === "function" ? sources() : sources)];
  if (!wanted.length) return;
  const ids = wanted.filter((s): s is number => typeof s === "number");
  const byId = ids.length
    ? new Map((await prisma.source.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map((s) => [s.id, s.name]))
    : new Map<number, string>();
  const names = [...new Set(wanted.map((s) => (typeof s === "number" ? (byId.get(s) ?? `#${s}`) : s)))];
  const who = identity.tokenId === null ? `the ${identity.name} token` : `token "${identity.name}"`;

  if (identity.sources.length) {
    const outside = names.find((n) => !identity.sources.includes(n));
    if (outside)
      throw refuse(`${who} is bound to ${identity.sources.map((s) => `"${s}"`).join(", ")} and may not push to source ${JSON.stringify(outside.slice(0, 80))}`);
    return;
  }
  const monitored = await prisma.source.findFirst({ where: { name: { in: names }, kind: { not: LOG_KIND } }, select: { name: true, kind: true } });
  if (monitored) {
    throw refuse(
      `${who} is not bound to any source, so it may not write events as the ${monitored.kind} source "${monitored.name}"; create a token bound to it (--source ${monitored.name})`,
    );
  }
}

const refuse = (message: string) => new HttpError(403, "source_not_allowed", message);

/** The sources a failed-writes push names (a write's `source`: a name or an id). */
export function failedWriteSources(items: unknown[]): (string | number)[] {
  const out: (string | number)[] = [];
  for (const it of items) {
    const s = it && typeof it === "object" ? (it as { source?: unknown }).source : undefined;
    if (typeof s === "string") out.push(s.trim());
    else if (typeof s === "number" && Number.isInteger(s)) out.push(s);
  }
  return out;
}

/** The same for an NDJSON import; lines that do not parse are left to the importer to report. */
export function ndjsonFailedWriteSources(text: string): (string | number)[] {
  const items: unknown[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      items.push(JSON.parse(line));
    } catch {
      // reported by the importer, by line number
    }
  }
  return failedWriteSources(items);
}

/**
 * The sources an OTLP logs request writes to: `?source=` for all, else `otel:<service.name>` per
 * resource (or `otel`), the rule lib/ingest/push-ingest.ts applies.
 */
export function otlpSourceNames(json: unknown, override: string | null): string[] {
  if (override !== null) return [override];
  const resourceLogs = (json as { resourceLogs?: unknown } | null)?.resourceLogs;
  if (!Array.isArray(resourceLogs)) return [];
  return resourceLogs.map((rl) => {
    const attrs = (rl as { resource?: { attributes?: unknown } } | null)?.resource?.attributes;
    // The last service.name wins, as in attributesObject; only a stringValue is a string.
    const kv = Array.isArray(attrs) ? attrs.findLast((a) => (a as { key?: unknown } | null)?.key === "service.name") : undefined;
    const value = (kv as { value?: { stringValue?: unknown } | null } | undefined)?.value;
    const service = value && typeof value === "object" ? value.stringValue : undefined;
    return otlpSourceName(service);
  });
}
