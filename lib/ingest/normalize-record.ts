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

type Found = { entities: ExtractedEntity[]; label: string | null };

/**
 * What an event is about, read from its text. Each extractor has a cheap guard so an ordinary
 * line pays for a few `includes` at most. The first label found names the incident.
 */
const EXTRACTORS: ((r: LogRecord, text: string, out: Found) => void)[] = [
  (r, _t, out) => {
    const c = constraintFromMessage(r.message) ?? (typeof r.fields.constraint === "string" ? r.fields.constraint : null);
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
    if (w.advisory) out.entities.push({ type: "advisory_lock", value: w.advisory.key, role: w.advisory.form });
    for (const e of lockWaitPids(r.detail)) if (!out.entities.some((x) => x.type === "pid" && x.value === e.value)) out.entities.push(e);
  },
  (r, _t, out) => {
    if (r.detail?.includes("blocked by process")) out.entities.push(...deadlockPids(r.detail));
  },
  (r, _t, out) => {
    const rel = relationOf(r.context, r.message);
    if (rel) {
      out.entities.push({ type: "relation", value: rel });
      out.label ??= `relation ${rel}`;
    }
  },
];

function defined(o: Record<string, unknown>): Record<string, unknown> {
  for (const k in o) if (o[k] === undefined) delete o[k];
  return o;
}

const firstLine = (s: string) => {
  const nl = s.indexOf("\n");
  return nl === -1 ? s : s.slice(0, nl);
};

/** A parsed record → an event: kind from the catalog, entities, a fingerprint of the stable part. */
export function normalizeRecord(rec: LogRecord, eventKey: string, sourceName: string, now: Date): NormalizedEvent {
  const text = rec.text ? `${rec.message}\n${rec.text}` : rec.message;
  const entry = getCatalog().classify(text, rec.code);
  const kind = entry?.kind ?? "unclassified";
  const opens = entry ? entry.opensIncident : SEVERITY_RANK[rec.severity] >= 2;
  const found: Found = { entities: [], label: null };
  if (entry || opens) for (const x of EXTRACTORS) x(rec, text, found);
  if (rec.json) found.entities.push(...entitiesFromJson(rec.json, configuredEntityFields()));
  const time = rec.time && !Number.isNaN(rec.time.getTime()) ? rec.time : now;
  let fingerprint = "";
  let title = "";
  if (opens) {
    const stable = found.label ?? normalizeMessage(firstLine(rec.message));
    fingerprint = fingerprintOf(kind, `${sourceName}|${stable}`);
    title = entry ? `${entry.title}${found.label ? ` on ${found.label}` : ""}` : stable.slice(0, 120);
  }
  return {
    eventKey,
    occurredAt: time,
    kind,
    severity: rec.severity,
    message: rec.message,
    title,
    fingerprint,
    opensIncident: opens,
    raw: rec.raw,
    fields: defined({
      ...rec.fields,
      format: rec.format,
      level: rec.level,
      code: rec.code,
      detail: rec.detail,
      hint: rec.hint,
      context: rec.context,
      statement: rec.statement,
      label: found.label ?? undefined,
      timeMissing: rec.time && !Number.isNaN(rec.time.getTime()) ? undefined : true,
    }),
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
