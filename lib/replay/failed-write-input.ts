// The shape an app hands over a failed write in, validated at the edge (API, NDJSON, log events).
import { createHash } from "node:crypto";
import { z } from "zod";

export const WRITE_OPERATIONS = ["insert", "upsert", "update"] as const;

// Operators whose second application changes nothing, so a replayed update equals one update.
export const IDEMPOTENT_UPDATE_OPERATORS = ["$set", "$unset"] as const;

const KeyValueSchema = z.union([z.string(), z.number(), z.boolean()]);
const ObjectSchema = z.record(z.string(), z.unknown());

export const FailedWriteInputSchema = z
  .object({
    source: z.union([z.string().trim().min(1), z.number().int().positive()]),
    namespace: z
      .string()
      .trim()
      .regex(/^[^.\s]+\.[^\s]+$/, "must be db.collection (MongoDB) or schema.table (PostgreSQL)"),
    operation: z.enum(WRITE_OPERATIONS),
    key: z.record(z.string().min(1), KeyValueSchema).refine((k) => Object.keys(k).length > 0, 'needs at least one field, e.g. { "messageId": "…" }'),
    document: ObjectSchema.optional(),
    update: ObjectSchema.optional(),
    error: z.union([
      z.string().trim().min(1),
      z.object({ message: z.string().trim().min(1), code: z.union([z.string(), z.number()]).optional(), codeName: z.string().optional() }),
    ]),
    occurredAt: z.iso.datetime({ offset: true }),
    context: ObjectSchema.optional(),
  })
  .superRefine((w, ctx) => {
    if (w.operation !== "update") {
      if (!w.document) return ctx.addIssue({ code: "custom", path: ["document"], message: `an ${w.operation} needs the document` });
      for (const [k, v] of Object.entries(w.key)) {
        if (k in w.document && JSON.stringify(w.document[k]) !== JSON.stringify(v)) {
          ctx.addIssue({ code: "custom", path: ["document", k], message: `differs from key.${k}` });
        }
      }
      return;
    }
    if (!w.update || Object.keys(w.update).length === 0)
      return ctx.addIssue({ code: "custom", path: ["update"], message: 'an update needs { "$set": { … } }' });
    for (const [op, fields] of Object.entries(w.update)) {
      if (!(IDEMPOTENT_UPDATE_OPERATORS as readonly string[]).includes(op)) {
        ctx.addIssue({
          code: "custom",
          path: ["update", op],
          message: `only ${IDEMPOTENT_UPDATE_OPERATORS.join(" and ")} can be replayed safely; send the resulting values with $set`,
        });
      } else if (!fields || typeof fields !== "object" || Array.isArray(fields) || Object.keys(fields).length === 0) {
        ctx.addIssue({ code: "custom", path: ["update", op], message: "must be an object of fields" });
      }
    }
  });

export type FailedWriteInput = z.infer<typeof FailedWriteInputSchema>;

export const MAX_BATCH_WRITES = 1000;
const BATCH_SIZE_MESSAGE = `send 1 to ${MAX_BATCH_WRITES} writes`;
/**
 * A push body with several writes. Only the envelope is checked here: each write is judged alone
 * at capture, so one bad write is kept and counted instead of refusing the others.
 */
export const FailedWriteBatchSchema = z.object({
  writes: z.array(z.unknown(), { error: BATCH_SIZE_MESSAGE }).min(1, BATCH_SIZE_MESSAGE).max(MAX_BATCH_WRITES, BATCH_SIZE_MESSAGE),
});

/** `{ "writes": … }` is a batch; any other body is one write. */
export const isFailedWriteBatch = (body: unknown): body is { writes: unknown } =>
  !!body && typeof body === "object" && !Array.isArray(body) && "writes" in body;

/** JSON with keys sorted, so equal values hash equally whatever order the app sent. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v ?? null);
}

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

export const keyHashOf = (namespace: string, key: Record<string, unknown>) => sha(`${namespace}\n${canonicalJson(key)}`).slice(0, 32);

export function captureKeyOf(sourceId: number, w: FailedWriteInput): string {
  return sha(
    [sourceId, w.namespace, w.operation, canonicalJson(w.key), new Date(w.occurredAt).toISOString(), canonicalJson(w.document ?? w.update)].join("\n"),
  );
}

export function errorMessageOf(w: Pick<FailedWriteInput, "error">): string {
  return typeof w.error === "string" ? w.error : [w.error.message, w.error.codeName, w.error.code].filter((x) => x !== undefined).join(" · ");
}

/** The first zod issue as "field: message", the way every 400 names what is wrong. */
export function describeIssue(err: z.ZodError): string {
  const first = err.issues[0];
  return `invalid field "${first?.path.join(".") || "body"}": ${first?.message}`;
}
