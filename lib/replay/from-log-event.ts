import "server-only";
import { z } from "zod";
import type { PrismaClient } from "../store/generated/client";
import { captureFailedWrites, type CaptureResult } from "./capture-failed-writes";

/**
 * Where each part of a failed write sits in an ingested log event's `fields`: a dotted path, or
 * `{ "value": … }` for a constant. Configured per log source as `config.failedWriteMapping`.
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
  if (Object.values(key).some((v) => v === undefined)) return null;
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

/**
 * Hook for the ingest pipeline: call it per stored event of a log source whose config has a
 * `failedWriteMapping`. A mapped event that is not a valid write is kept as unparsed, never dropped.
 */
export async function captureFailedWriteFromEvent(
  prisma: PrismaClient,
  event: { fields: unknown; occurredAt: Date; sourceConfig: unknown },
): Promise<CaptureResult | null> {
  const raw = (event.sourceConfig as { failedWriteMapping?: unknown } | null)?.failedWriteMapping;
  if (!raw) return null;
  const mapping = FailedWriteMappingSchema.parse(raw);
  const fields = (event.fields ?? {}) as Record<string, unknown>;
  const submission = failedWriteFromEventFields(fields, mapping, event.occurredAt);
  if (!submission) return null;
  try {
    return await captureFailedWrites(prisma, [submission], "log");
  } catch (err) {
    await prisma.unparsedFailedWrite.create({ data: { origin: "log", raw: JSON.stringify(fields), error: (err as Error).message } });
    return null;
  }
}
