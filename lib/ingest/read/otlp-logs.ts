import "server-only";
import { z } from "zod";
import { MAX_JSON_DEPTH, recordFromJson, timeOf, validTime } from "./json-record";
import type { LogRecord, Severity } from "./log-record";
import { severityOf } from "./log-record";

// OTLP/HTTP JSON (opentelemetry-proto, logs/v1/logs.proto; JSON mapping per the OTLP spec:
// lowerCamelCase keys, 64-bit integers as strings, trace ids as hex).
type AnyValue = {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: string;
};
type KeyValue = { key: string; value?: AnyValue };

// Nanoseconds arrive as digits or as a number (past 2^53 too); a number that is no time (a
// fraction, past year 9999) keeps its record, stored as "no time" by nanosToDate, not refused.
const UnixNanoSchema = z.union([z.string().regex(/^\d+$/), z.number()]);
const KeyValueSchema = z.object({ key: z.string(), value: z.any().optional() });
export const OtlpLogRecordSchema = z.object({
  timeUnixNano: UnixNanoSchema.optional(),
  observedTimeUnixNano: UnixNanoSchema.optional(),
  severityNumber: z.number().int().min(0).max(24).optional(),
  severityText: z.string().optional(),
  body: z.any().optional(),
  attributes: z.array(KeyValueSchema).optional(),
  traceId: z.string().optional(),
  spanId: z.string().optional(),
});
export const OtlpLogsRequestSchema = z.object({
  resourceLogs: z.array(
    z.object({
      resource: z.object({ attributes: z.array(KeyValueSchema).optional() }).optional(),
      scopeLogs: z.array(z.object({ scope: z.object({ name: z.string().optional() }).optional(), logRecords: z.array(z.unknown()).optional() })).optional(),
    }),
  ),
});

/** An AnyValue as plain JSON; past MAX_JSON_DEPTH levels a marker string (the caller kept such records raw already). */
export function anyValue(v: AnyValue | undefined, depth = 0): unknown {
  if (!v || typeof v !== "object") return undefined;
  if (depth > MAX_JSON_DEPTH) return `[nested deeper than ${MAX_JSON_DEPTH} levels]`;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return Array.isArray(v.arrayValue.values) ? v.arrayValue.values.map((x) => anyValue(x, depth + 1)) : [];
  if (v.kvlistValue) return attributesObject(v.kvlistValue.values, depth + 1);
  if (v.bytesValue !== undefined) return v.bytesValue;
  return undefined;
}

export function attributesObject(kvs: KeyValue[] | undefined, depth = 0): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (!Array.isArray(kvs)) return o;
  for (const kv of kvs) if (kv && typeof kv.key === "string") o[kv.key] = anyValue(kv.value, depth);
  return o;
}

/** SeverityNumber ranges of the OpenTelemetry log data model. */
function severityFromNumber(n: number | undefined): Severity | null {
  if (!n) return null;
  return n >= 21 ? "critical" : n >= 17 ? "error" : n >= 13 ? "warning" : n >= 9 ? "info" : "debug";
}

/** OTLP nanoseconds (a digit string, or a JSON number of any size or with a fraction) → a valid time or none. */
function nanosToDate(ns: string | number | undefined): Date | null {
  if (ns === undefined || ns === "0" || ns === 0) return null;
  // fixed64 in the proto: a fraction or an infinity is no time at all.
  if (typeof ns === "number") return Number.isInteger(ns) ? validTime(new Date(Math.floor(ns / 1_000_000))) : null;
  // Past 2^53 ns a Number loses the milliseconds: divide as a BigInt; past year 9999 it is no time at all.
  return ns.length > 20 ? null : validTime(new Date(Number(BigInt(ns) / 1_000_000n)));
}

/** One OTLP log record → a record; the body may itself be structured (a pino line shipped as a map). */
export function recordFromOtlp(rec: z.infer<typeof OtlpLogRecordSchema>, resource: Record<string, unknown>, raw: string): LogRecord {
  const attrs = attributesObject(rec.attributes as KeyValue[] | undefined);
  const body = anyValue(rec.body as AnyValue | undefined);
  const json: Record<string, unknown> = { ...(typeof body === "object" && body && !Array.isArray(body) ? (body as Record<string, unknown>) : {}), ...attrs };
  if (rec.traceId) json.traceId = rec.traceId;
  const base = recordFromJson(typeof body === "string" ? { ...json, message: body } : json, { offset: 0, lines: 1, raw });
  const exception = [
    attrs["exception.type"],
    attrs["exception.message"],
    typeof attrs["exception.stacktrace"] === "string" ? (attrs["exception.stacktrace"] as string).split("\n", 1)[0] : undefined,
  ]
    .filter(Boolean)
    .join(": ");
  const status = attrs["http.response.status_code"] ?? attrs["http.status_code"];
  const text = [base.text, exception, typeof status === "number" ? `status=${status}` : ""].filter(Boolean).join(" ");
  const level = rec.severityText ?? base.level;
  const severity = severityFromNumber(rec.severityNumber) ?? (rec.severityText ? severityOf(rec.severityText) : base.severity);
  const code = attrs["error.code"] ?? attrs["db.response.status_code"] ?? attrs["code"];
  return {
    ...base,
    format: "otlp",
    time: nanosToDate(rec.timeUnixNano) ?? nanosToDate(rec.observedTimeUnixNano) ?? base.time ?? timeOf(attrs.timestamp),
    level,
    severity,
    message: base.message || exception,
    text: text || undefined,
    code: code !== undefined ? String(code) : base.code,
    fields: {
      ...base.fields,
      ...(resource["service.name"] ? { service: resource["service.name"] } : {}),
      ...(attrs["exception.type"] ? { exceptionType: attrs["exception.type"] } : {}),
    },
    json,
  };
}
