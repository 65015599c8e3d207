import "server-only";
import { classify } from "./catalog";
import { constraintFromMessage, entitiesFromPgKeyDetail } from "./entities";
import { fingerprintOf, normalizeMessage } from "./fingerprint";
import type { PgLogRecord } from "./pg-stderr-parser";
import type { NormalizedEvent } from "./store-events";

const SEVERITY: Record<string, string> = { PANIC: "critical", FATAL: "critical", ERROR: "error", WARNING: "warning" };

/** A parsed PostgreSQL record → an event: kind from the catalog, entities, a stable fingerprint. */
export function normalizePgRecord(rec: PgLogRecord, eventKey: string, sourceName: string): NormalizedEvent {
  const entry = classify(rec.message, rec.sqlstate);
  const kind = entry?.kind ?? "unclassified";
  const constraint = constraintFromMessage(rec.message);
  const stable = constraint ?? normalizeMessage(rec.message);
  const entities = entitiesFromPgKeyDetail(rec.detail);
  return {
    eventKey,
    occurredAt: rec.time,
    kind,
    severity: SEVERITY[rec.level] ?? "info",
    message: rec.message,
    title: entry ? `${entry.title}${constraint ? ` on ${constraint}` : ""}` : normalizeMessage(rec.message).slice(0, 120),
    fingerprint: fingerprintOf(kind, `${sourceName}|${stable}`),
    raw: rec.raw,
    fields: { pid: rec.pid, level: rec.level, sqlstate: rec.sqlstate, user: rec.user, db: rec.db, detail: rec.detail, statement: rec.statement, constraint },
    entities,
  };
}
