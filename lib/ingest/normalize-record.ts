import "server-only";
import { getCatalog } from "./catalog";
import {
  configuredEntityFields,
  constraintFromMessage,
  deadlockPids,
  entitiesFromJson,
  entitiesFromPgKeyDetail,
  type ExtractedEntity,
  lockWaitPids,
  parseLockWait,
  parseMongoDupKey,
  prismaUniqueTarget,
  relationOf,
} from "./entities";
import { fingerprintOf, normalizeMessage } from "./fingerprint";
import { type LogRecord, SEVERITY_RANK, type UnparsedLine } from "./log-record";
import type { NormalizedEvent } from "./store-events";

let entityFields: string[] | undefined;
const NOTHING_FOUND: Readonly<{ entities: ExtractedEntity[]; label: null }> = Object.freeze({ entities: Object.freeze([]) as unknown as ExtractedEntity[], label: null });

type Found = { entities: ExtractedEntity[]; label: string | null; fallback?: string };

/**
 * What an event is about, read from its text. Each extractor has a cheap guard so an ordinary
 * line pays for a few `includes` at most. The first label found names the incident.
 */
const EXTRACTORS: ((r: LogRecord, text: string, out: Found) => void)[] = [
  (r, _t, out) => {
    const c = (r.message.includes("constraint") ? constraintFromMessage(r.message) : null) ?? (typeof r.fields.constraint === "string" ? r.fields.constraint : null);
    if (c) out.label ??= c;
    if (r.detail?.includes("Key (")) out.entities.push(...entitiesFromPgKeyDetail(r.detail));
  },
  (_r, text, out) => {
    if (!text.includes("E11000")) return;
    const dup = parseMongoDupKey(text);
    if (!dup) return;
    out.label ??= `${dup.collection} index ${dup.index}`;
    out.entities.push(...dup.entities);
  },
  (_r, text, out) => {
    if (!text.includes("Unique constraint failed")) return;
    const target = prismaUniqueTarget(text);
    if (target) out.label ??= target;
  },
  (r, _t, out) => {
    if (!r.message.startsWith("process ")) return;
    const w = parseLockWait(r.message);
    if (!w) return;
    out.entities.push({ type: "pid", value: w.waiter, role: "waiter" });
    // What kind of lock, without the ids that change every time: `advisory lock (ExclusiveLock)`.
    out.fallback = `${w.target.replace(/\[[\d,]+\]|\(\d+,\d+\)|\s*\d+(?:\/\d+)?/g, "").replace(/\s+/g, " ").trim()} (${w.mode})`;
    if (w.advisory) out.entities.push({ type: "advisory_lock", value: w.advisory.key, role: w.advisory.form });
    for (const e of lockWaitPids(r.detail)) if (!out.entities.some((x) => x.type === "pid" && x.value === e.value)) out.entities.push(e);
  },
  (r, _t, out) => {
    if (r.detail?.includes("blocked by process")) out.entities.push(...deadlockPids(r.detail));
  },
  (r, _t, out) => {
    const rel = r.context?.includes("relation") || r.message.includes("relation") ? relationOf(r.context, r.message) : null;
    if (rel) {
      out.entities.push({ type: "relation", value: rel });
      out.label ??= `relation ${rel}`;
    }
  },
];

/** The record's own fields object, completed in place (spreading and deleting keys costs microseconds a line). */
function eventFields(rec: LogRecord, label: string | null, timeMissing: boolean): Record<string, unknown> {
  const f = rec.fields;
  f.format = rec.format;
  f.level = rec.level;
  if (rec.code !== undefined) f.code = rec.code;
  if (rec.detail !== undefined) f.detail = rec.detail;
  if (rec.hint !== undefined) f.hint = rec.hint;
  if (rec.context !== undefined) f.context = rec.context;
  if (rec.statement !== undefined) f.statement = rec.statement;
  if (label) f.label = label;
  if (timeMissing) f.timeMissing = true;
  return f;
}

const firstLine = (s: string) => {
  const nl = s.indexOf("\n");
  return nl === -1 ? s : s.slice(0, nl);
};

/** A parsed record → an event: kind from the catalog, entities, a fingerprint of the stable part. */
export function normalizeRecord(rec: LogRecord, eventKey: string, sourceName: string, now: Date): NormalizedEvent {
  const text = rec.text ? `${rec.message}\n${rec.text}` : rec.message;
  // A line that carries an error (a code, an error object) is tested like an error whatever its
  // level, and so is every MongoDB line: mongod reports failed operations in "I"-level slow-query
  // lines and refused connections at "I" too.
  const severity = (rec.code || rec.text || rec.format === "mongodb") && SEVERITY_RANK[rec.severity] < 2 ? "error" : rec.severity;
  const entry = getCatalog().classify(text, rec.code, { format: rec.format, severity });
  const kind = entry?.kind ?? "unclassified";
  const opens = entry ? entry.opensIncident : SEVERITY_RANK[rec.severity] >= 2;
  // Most lines (informational, no JSON payload) need no extraction at all: share one empty list.
  const found: Found = entry || opens || rec.json ? { entities: [], label: null } : NOTHING_FOUND;
  if (entry || opens) for (const x of EXTRACTORS) x(rec, text, found);
  if (rec.json) found.entities.push(...entitiesFromJson(rec.json, (entityFields ??= configuredEntityFields())));
  if (!found.label && found.fallback) found.label = found.fallback;
  const hasTime = rec.time !== null && !Number.isNaN(rec.time.getTime());
  let fingerprint = "";
  let title = "";
  if (opens) {
    const stable = found.label ?? normalizeMessage(firstLine(rec.message));
    fingerprint = fingerprintOf(kind, stable, sourceName);
    title = entry ? `${entry.title}${found.label ? ` on ${found.label}` : ""}` : stable.slice(0, 120);
  }
  return {
    eventKey,
    occurredAt: hasTime ? rec.time! : now,
    kind,
    severity: rec.severity,
    message: rec.message,
    title,
    fingerprint,
    opensIncident: opens,
    raw: rec.raw,
    fields: eventFields(rec, found.label, !hasTime),
    entities: found.entities,
  };
}

/** A line no parser could read: kept raw as a `unparsed` event, opening nothing. */
export function unparsedEvent(u: UnparsedLine, eventKey: string, now: Date, extra: Record<string, unknown> = {}): NormalizedEvent {
  return {
    eventKey,
    occurredAt: now,
    kind: "unparsed",
    severity: "info",
    message: u.raw.slice(0, 200),
    title: "",
    fingerprint: "",
    opensIncident: false,
    raw: u.raw,
    fields: { reason: u.reason, lines: u.lines, ...extra },
    entities: [],
  };
}
