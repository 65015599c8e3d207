// Which targets a source accepts failed writes for, checked when a write is captured, when it is
// replayed and when its detail view reads the target: a write stored before a rule existed, or a
// source whose config changed since, is judged by the rule as it is now.
import { z } from "zod";

/** `config.replay` of a postgres or mongodb source, e.g. `{ "namespaces": ["public.session"] }`. */
export const ReplayConfigSchema = z.object({
  namespaces: z.array(z.string().trim().min(3).max(300)).max(1000).default([]),
});

type SourceLike = { name: string; kind: string; config?: unknown };

/** The namespaces a source declares, or why its `config.replay` cannot be read. */
export function getReplayNamespaces(source: SourceLike): { ok: true; namespaces: string[] } | { ok: false; error: string } {
  const raw = (source.config as { replay?: unknown } | null | undefined)?.replay;
  if (raw === undefined) return { ok: true, namespaces: [] };
  const parsed = ReplayConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `source ${source.name} has an invalid config.replay.${issue?.path.join(".") || ""}: ${issue?.message}` };
  }
  return { ok: true, namespaces: parsed.data.namespaces };
}

const PG_SYSTEM_SCHEMA = /^(pg_catalog|information_schema|pg_toast.*|pg_temp.*)$/i;
const MONGO_SYSTEM_DB = /^(admin|config|local)$/i;

/** Why a namespace is never a replay target whatever the source declares, or null. */
export function systemNamespaceReason(kind: string, namespace: string): string | null {
  const dot = namespace.indexOf(".");
  const head = dot < 0 ? namespace : namespace.slice(0, dot);
  const rest = dot < 0 ? "" : namespace.slice(dot + 1);
  if (kind === "postgres" && PG_SYSTEM_SCHEMA.test(head))
    return `${JSON.stringify(namespace)} is in the system schema ${head}; Lockboard never reads or writes it`;
  if (kind === "mongodb" && MONGO_SYSTEM_DB.test(head))
    return `${JSON.stringify(namespace)} is in the system database ${head}; Lockboard never reads or writes it`;
  if (kind === "mongodb" && /^system\./i.test(rest)) return `${JSON.stringify(namespace)} is a system collection; Lockboard never reads or writes it`;
  return null;
}

/** Why `source` does not accept a failed write into `namespace`, or null when it does. */
export function namespaceRefusal(source: SourceLike, namespace: string): string | null {
  const system = systemNamespaceReason(source.kind, namespace);
  if (system) return system;
  const declared = getReplayNamespaces(source);
  if (!declared.ok) return declared.error;
  if (declared.namespaces.includes(namespace)) return null;
  return `source ${source.name} does not accept failed writes into ${JSON.stringify(namespace)}: add it to the source's config.replay.namespaces${
    declared.namespaces.length ? ` (declared: ${declared.namespaces.map((n) => JSON.stringify(n)).join(", ")})` : " (it declares none)"
  }`;
}

type WriteFields = { key: Record<string, unknown>; document?: Record<string, unknown>; update?: Record<string, unknown> };

// Extended JSON type wrappers ({"$date": …}) are values, not operators: the only `$` names a stored
// document may hold below its top level.
const EJSON_WRAPPERS = new Set([
  "$date",
  "$oid",
  "$numberLong",
  "$numberInt",
  "$numberDouble",
  "$numberDecimal",
  "$binary",
  "$uuid",
  "$timestamp",
  "$regularExpression",
  "$minKey",
  "$maxKey",
]);

function badMongoName(name: string): string | null {
  if (name.startsWith("$")) return "starts with $";
  if (name.includes(".")) return "contains a dot";
  if (name === "") return "is empty";
  return null;
}

/** A `$` name anywhere below the top level that is not an Extended JSON value, as its path. */
function nestedOperatorPath(v: unknown, path: string, depth = 0): string | null {
  if (depth > 100 || v === null || typeof v !== "object") return null;
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) {
      const p = nestedOperatorPath(x, `${path}.${i}`, depth + 1);
      if (p) return p;
    }
    return null;
  }
  const keys = Object.keys(v);
  const wrapper = keys.length === 1 && EJSON_WRAPPERS.has(keys[0]);
  for (const k of keys) {
    if (k.startsWith("$") && !wrapper) return `${path}.${k}`;
    const p = nestedOperatorPath((v as Record<string, unknown>)[k], `${path}.${k}`, depth + 1);
    if (p) return p;
  }
  return null;
}

/**
 * MongoDB: key names are plain field names (no `$`, no dots) with scalar values, so the filter is
 * plain equality; document and $set/$unset field names likewise at the top level, and no operator
 * anywhere below it. Returns the offending field and why, or null.
 */
export function mongoFieldRefusal(w: WriteFields): string | null {
  for (const [k, v] of Object.entries(w.key)) {
    const bad = badMongoName(k);
    if (bad) return `invalid field "key.${k}": a MongoDB key field name ${bad}; the filter is plain equality on field names`;
    if (v === null || typeof v === "object") return `invalid field "key.${k}": a key value is a string, number or boolean`;
  }
  const parts: [string, Record<string, unknown> | undefined][] = [["document", w.document]];
  for (const op of ["$set", "$unset"]) parts.push([`update.${op}`, w.update?.[op] as Record<string, unknown> | undefined]);
  for (const [where, fields] of parts) {
    if (!fields || typeof fields !== "object") continue;
    for (const [k, v] of Object.entries(fields)) {
      const bad = badMongoName(k);
      if (bad) return `invalid field "${where}.${k}": a MongoDB field name ${bad}`;
      const nested = nestedOperatorPath(v, `${where}.${k}`);
      if (nested) return `invalid field "${nested}": a MongoDB field name starts with $ (only Extended JSON values such as {"$date": …} may)`;
    }
  }
  return null;
}

/** Everything that can be judged without the target: the namespace, and MongoDB field names. */
export function writeRefusal(source: SourceLike, w: WriteFields & { namespace: string }): string | null {
  return namespaceRefusal(source, w.namespace) ?? (source.kind === "mongodb" ? mongoFieldRefusal(w) : null);
}
