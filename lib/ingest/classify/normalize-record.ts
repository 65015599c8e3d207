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
import { incidentSubject } from "./incident-subject";
import { englishSecondary, matchLocalized } from "./pg-l10n";
import { validTime } from "../read/json-record";
import { type LogRecord, SEVERITY_RANK, type UnparsedLine } from "../read/log-record";
import type { NormalizedEvent } from "./normalized-event";

let entityFields: string[] | undefined;
const NOTHING_FOUND: Readonly<{ entities: ExtractedEntity[]; label: null }> = Object.freeze({
  entities: Object.freeze([]) as unknown as ExtractedEntity[],
  label: null,
});

type Found = { entities: ExtractedEntity[]; label: string | null; fallback?: string };

/**
 * What an event is about, read from its text. Each extractor has a cheap guard so an ordinary
 * line pays for a few `includes` at most. The first label found names the incident.
 */
const EXTRACTORS: ((r: LogRecord, text: string, out: Found) => void)[] = [
  (r, _t, out) => {
    const c =
      (r.message.includes("constraint") ? constraintFromMessage(r.message) : null) ?? (typeof r.fields.constraint === "string" ? r.fields.constraint : null);
    if (c) out.label ??= c;
    // An application's log carries PostgreSQL's DETAIL line in its text (an ORM's message, a driver's error fields).
    const detail = r.detail ?? (r.text?.includes("Key (") ? r.text : undefined);
    if (detail?.includes("Key (")) out.entities.push(...entitiesFromPgKeyDetail(detail));
  },
  (r, text, out) => {
    if (!text.includes("E11000")) return;
    // The error text alone when it has the key: the message may quote it escaped (mongod 4.0-4.2's `errMsg:"…\"x\"…"`).
    const dup = parseMongoDupKey(r.text?.includes("E11000") ? r.text : text);
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
    if (!r.message.includes("process ")) return;
    const w = parseLockWait(r.message);
    if (!w) return;
    out.entities.push({ type: "pid", value: w.waiter, role: "waiter" });
    // What kind of lock, without the ids that change every time: `advisory lock (ExclusiveLock)`.
    out.fallback = `${w.target
      .replace(/\[[\d,]+\]|\(\d+,\d+\)|\s*\d+(?:\/\d+)?/g, "")
      .replace(/\s+/g, " ")
      .trim()} (${w.mode})`;
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
  // Built-in kinds apply at every level. A configured kind limited to some `levels` still sees a
  // line that carries an error (a code, an error object) as an error, and every MongoDB line:
  // mongod reports failed operations and refused connections at "I".
  const severity = (rec.code || rec.text || rec.format === "mongodb") && SEVERITY_RANK[rec.severity] < 2 ? "error" : rec.severity;
  const catalog = getCatalog();
  let entry = catalog.classify(text, rec.code, { format: rec.format, severity });
  // A server with a localized lc_messages: its own translation of a catalog message, read back
  // into English so the extractors below see what an English server would have written.
  let read: LogRecord = rec;
  let readText = text;
  // Also when a code found the kind but not the text (csvlog and jsonlog of a localized server carry
  // the SQLSTATE): its English reading still gives the label and entities. A code several kinds
  // share (55P03: lock timeout or vacuum skipped) is told apart by the text, in any language.
  const shared = rec.code !== undefined && catalog.sharedCode(rec.code);
  if (rec.format.startsWith("pg") && (!entry || shared || (rec.code && !entry.re?.test(text)))) {
    const l10n = matchLocalized(rec.message, rec.level);
    if (l10n) {
      if (!entry || shared) entry = catalog.byKind(l10n.kind) ?? entry;
      read = { ...rec, message: l10n.english, detail: englishSecondary(rec.detail, l10n.lang), context: englishSecondary(rec.context, l10n.lang) };
      readText = l10n.english;
      rec.fields.lang = l10n.lang;
      rec.fields.englishMessage = l10n.english;
    }
  }
  const kind = entry?.kind ?? "unclassified";
  const opens = entry ? entry.opensIncident : SEVERITY_RANK[rec.severity] >= 2;
  // Most lines (informational, no JSON payload) need no extraction at all: share one empty list.
  const found: Found = entry || opens || rec.json ? { entities: [], label: null } : NOTHING_FOUND;
  if (entry || opens) for (const x of EXTRACTORS) x(read, readText, found);
  if (rec.json) found.entities.push(...entitiesFromJson(rec.json, (entityFields ??= configuredEntityFields())));
  if (!found.label && found.fallback) found.label = found.fallback;
  // The same key read from the error text and from the payload (MongoDB's errmsg and keyValue) is one entity.
  if (rec.json && found.entities.length > 1)
    found.entities = found.entities.filter((e, i, all) => all.findIndex((x) => x.type === e.type && x.value === e.value && x.role === e.role) === i);
  const time = validTime(rec.time);
  let fingerprint = "";
  let title = "";
  let subject: string | null = null;
  if (opens) {
    subject = incidentSubject(found.label, read, found.entities);
    const stable = found.label ?? normalizeMessage(firstLine(read.message));
    fingerprint = fingerprintOf(kind, stable, sourceName);
    title = entry ? `${entry.title}${found.label ? ` on ${found.label}` : ""}` : stable.slice(0, 120);
  }
  return {
    eventKey,
    occurredAt: time ?? now,
    kind,
    severity: rec.severity,
    message: rec.message,
    title,
    fingerprint,
    subject,
    opensIncident: opens,
    raw: rec.raw,
    fields: eventFields(rec, found.label, time === null),
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
