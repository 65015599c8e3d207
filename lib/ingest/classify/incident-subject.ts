import { advisoryCallOf, lockedRelationOf } from "../../incidents/runbook/lock-wait";
import type { ExtractedEntity } from "./entities";

const MAX = 160;
const LOCK_KEY_FIELDS = ["lock_key", "lockKey", "advisory_key", "advisoryKey", "advisory_lock"];

function lockKeyOf(json: Record<string, unknown> | undefined, fields: Record<string, unknown>): string | null {
  for (const n of LOCK_KEY_FIELDS) {
    const v = fields[n] ?? json?.[n];
    if (typeof v === "string" || typeof v === "number") return String(v);
  }
  return null;
}

/**
 * What tells an incident from the others of its kind on its source, for its row in every list:
 * the constraint or index (the label), else for lock waits and timeouts the lock (an advisory
 * key the event names, the lock call of its statement, the relation it waited on).
 */
export function incidentSubject(
  label: string | null,
  rec: { statement?: string; fields: Record<string, unknown>; json?: Record<string, unknown> },
  entities: ExtractedEntity[],
): string | null {
  const advisory = entities.find((e) => e.type === "advisory_lock")?.value ?? lockKeyOf(rec.json, rec.fields);
  if (advisory) return `advisory lock ${advisory}`.slice(0, MAX);
  const fallback = label && /\(\w+Lock\)$/.test(label);
  if (label && !fallback) return label.slice(0, MAX);
  const call = advisoryCallOf(rec.statement);
  if (call) return call.call.slice(0, MAX);
  const rel = lockedRelationOf(rec.statement);
  if (rel) return `relation ${rel}`.slice(0, MAX);
  return label ? label.slice(0, MAX) : null;
}
