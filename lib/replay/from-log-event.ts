import "server-only";
import { z } from "zod";
import type { PrismaClient } from "../store/generated/client";
import { captureFailedWrites, type CaptureResult } from "./capture-failed-writes";

/**
 * Where each part of a failed write sits in an ingested log line: a dotted path into the line's
 * JSON object (an application JSON log line, a MongoDB line's `attr`; the event's `fields` for
 * other formats), or `{ "value": … }` for a constant. Configured per log source as
 * `config.failedWriteMapping`.
 */
const FieldRefSchema = z.union([z.string().min(1), z.object({ value: z.unknown() })]);
export const FailedWriteMappingSchema = z.object({
  /** Only events whose field at this path is truthy carry a failed write (e.g. "failedWrite"). */
  when: z.string().min(1).optional(),
  source: FieldRefSchema,
  namespace: FieldRefSchema,
  operation: FieldRefSchema.default({ value: "insert" }),
  /** Field name → path of its value, e.g. { "messageId": "message.messageId" }. */
  key: z.record(z.string(), FieldRefSchema),
  document: FieldRefSchema.optional(),
  update: FieldRefSchema.optional(),
  error: FieldRefSchema,
  occurredAt: FieldRefSchema.optional(),
});
export type FailedWriteMapping = z.infer<typeof FailedWriteMappingSchema>;

function pick(fields: Record<string, unknown>, ref: z.infer<typeof FieldRefSchema>): unknown {
  if (typeof ref !== "string") return ref.value;
  let cur: unknown = fields;
  for (const part of ref.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** The failed-write submission an event's fields describe, or null when the event carries none. */
export function failedWriteFromEventFields(fields: Record<string, unknown>, mapping: FailedWriteMapping, occurredAt: Date): Record<string, unknown> | null {
  if (mapping.when && !pick(fields, mapping.when)) return null;
  const key = Object.fromEntries(Object.entries(mapping.key).map(([name, ref]) => [name, pick(fields, ref)]));
  // Without a `when`, a line lacking the key carries no write; with one, the line says it does,
  // and an incomplete write is handed on to be refused and kept as unparsed, not dropped.
  if (!mapping.when && Object.values(key).some((v) => v === undefined)) return null;
  const at = mapping.occurredAt ? pick(fields, mapping.occurredAt) : undefined;
  return {
    source: pick(fields, mapping.source),
    namespace: pick(fields, mapping.namespace),
    operation: pick(fields, mapping.operation),
    key,
    ...(mapping.document ? { document: pick(fields, mapping.document) } : {}),
    ...(mapping.update ? { update: pick(fields, mapping.update) } : {}),
    error: pick(fields, mapping.error),
    occurredAt: typeof at === "string" ? at : occurredAt.toISOString(),
  };
}

/** What the ingest pipeline asks of a log source that maps failed writes (ingest-pipeline.ts, push-ingest.ts). */
export type LogFailedWriteCapture = {
  /** The submission an ingested line carries (read from its JSON object, else its event's fields), or null. */
  submissionOf(fields: Record<string, unknown>, occurredAt: Date): Record<string, unknown> | null;
  /** Stores the batch's submissions after its events are stored: each judged alone, a bad one kept in UnparsedFailedWrite. */
  capture(submissions: Record<string, unknown>[]): Promise<CaptureResult>;
};

/** Sources told once that their mapping cannot be read (an ingest must not fail on it, nor repeat it per line). */
const warned = new Set<string>();

/**
 * The capture for a log source whose `config.failedWriteMapping` is set, or null. A mapping that
 * does not parse captures nothing (the source's events are still stored) and is reported once.
 */
export function failedWriteCaptureFor(prisma: PrismaClient, source: { name: string; config?: unknown }): LogFailedWriteCapture | null {
  const raw = (source.config as { failedWriteMapping?: unknown } | null | undefined)?.failedWriteMapping;
  if (raw === undefined || raw === null) return null;
  const parsed = FailedWriteMappingSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const why = `${source.name}: config.failedWriteMapping.${issue?.path.join(".")}: ${issue?.message}; no failed writes are taken from its log`;
    if (!warned.has(why)) console.error(`[lockboard] ${why}`);
    warned.add(why);
    return null;
  }
  const mapping = parsed.data;
  return {
    submissionOf: (fields, occurredAt) => failedWriteFromEventFields(fields, mapping, occurredAt),
    capture: (submissions) => captureFailedWrites(prisma, submissions, "log"),
  };
}
