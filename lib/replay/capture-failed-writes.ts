import "server-only";
import { HttpError } from "../http/errors";
import { getSourceConnection } from "../sources/source-registry";
import type { PrismaClient } from "../store/generated/client";
import { classifyErrorKind } from "./error-kinds";
import { insertFailedWrites } from "./store-rows";
import {
  captureKeyOf,
  describeIssue,
  errorMessageOf,
  FailedWriteInputSchema,
  keyHashOf,
  type FailedWriteInput,
} from "./failed-write-input";

export type CaptureOrigin = "api" | "ndjson" | "log";
export type CaptureResult = { ids: number[]; created: number; duplicates: number };

type ResolvedSource = { id: number; kind: "postgres" | "mongodb" };

/** The write's target, or a message saying why it cannot be one. */
async function resolveTarget(prisma: PrismaClient, w: FailedWriteInput, cache: Map<string, ResolvedSource | string>): Promise<ResolvedSource | string> {
  const cacheKey = String(w.source);
  let hit = cache.get(cacheKey);
  if (hit === undefined) {
    const conn = await getSourceConnection(prisma, w.source);
    if (!conn) hit = `invalid field "source": no source named ${JSON.stringify(w.source)} (add it under Sources first)`;
    else if (conn.source.kind !== "postgres" && conn.source.kind !== "mongodb") hit = `invalid field "source": ${conn.source.name} is a ${conn.source.kind} source; failed writes target postgres or mongodb`;
    else hit = { id: conn.source.id, kind: conn.source.kind };
    cache.set(cacheKey, hit);
  }
  if (typeof hit === "string") return hit;
  if (hit.kind === "postgres") {
    if (w.namespace.split(".").length !== 2) return `invalid field "namespace": a PostgreSQL target is schema.table, got ${JSON.stringify(w.namespace)}`;
    if (w.update?.$unset) return `invalid field "update.$unset": PostgreSQL updates take $set only`;
  }
  return hit;
}

/** Validates every write first; stores them only when all are valid (a 400 names the first bad one). */
export async function captureFailedWrites(prisma: PrismaClient, raw: unknown[], origin: CaptureOrigin): Promise<CaptureResult> {
  const cache = new Map<string, ResolvedSource | string>();
  const ready: { w: FailedWriteInput; source: ResolvedSource }[] = [];
  for (const [i, item] of raw.entries()) {
    const at = raw.length > 1 ? `writes[${i}]: ` : "";
    const parsed = FailedWriteInputSchema.safeParse(item);
    if (!parsed.success) throw new HttpError(400, "bad_request", at + describeIssue(parsed.error));
    const source = await resolveTarget(prisma, parsed.data, cache);
    if (typeof source === "string") throw new HttpError(400, "bad_request", at + source);
    ready.push({ w: parsed.data, source });
  }
  return storeWrites(prisma, ready, origin);
}

async function storeWrites(prisma: PrismaClient, ready: { w: FailedWriteInput; source: ResolvedSource }[], origin: CaptureOrigin): Promise<CaptureResult> {
  if (ready.length === 0) return { ids: [], created: 0, duplicates: 0 };
  const data = ready.map(({ w, source }) => {
    const error = errorMessageOf(w);
    return {
      sourceId: source.id,
      namespace: w.namespace,
      operation: w.operation,
      idempotencyKey: w.key,
      keyHash: keyHashOf(w.namespace, w.key),
      payload: (w.operation === "update" ? { update: w.update } : { document: w.document }) as object,
      error,
      errorKind: classifyErrorKind(error),
      occurredAt: new Date(w.occurredAt),
      origin,
      captureKey: captureKeyOf(source.id, w),
      context: (w.context ?? {}) as object,
    };
  });
  const ids = await insertFailedWrites(prisma, data);
  return { ids, created: ids.length, duplicates: data.length - ids.length };
}

export type ImportResult = CaptureResult & { lines: number; malformed: { line: number; error: string }[] };

/**
 * NDJSON: one failed write per line. Good lines are stored, bad ones are counted, reported by line
 * number and kept verbatim in UnparsedFailedWrite, so nothing in the file is lost.
 */
export async function importFailedWritesNdjson(prisma: PrismaClient, text: string, origin: CaptureOrigin = "ndjson"): Promise<ImportResult> {
  const cache = new Map<string, ResolvedSource | string>();
  const ready: { w: FailedWriteInput; source: ResolvedSource }[] = [];
  const malformed: { line: number; error: string; raw: string }[] = [];
  const lines = text.split(/\r?\n/);
  let count = 0;
  for (const [i, line] of lines.entries()) {
    if (!line.trim()) continue;
    count++;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (err) {
      malformed.push({ line: i + 1, error: `not JSON: ${(err as Error).message}`, raw: line });
      continue;
    }
    const parsed = FailedWriteInputSchema.safeParse(json);
    if (!parsed.success) {
      malformed.push({ line: i + 1, error: describeIssue(parsed.error), raw: line });
      continue;
    }
    const source = await resolveTarget(prisma, parsed.data, cache);
    if (typeof source === "string") malformed.push({ line: i + 1, error: source, raw: line });
    else ready.push({ w: parsed.data, source });
  }
  if (malformed.length) {
    await prisma.unparsedFailedWrite.createMany({ data: malformed.map((m) => ({ origin, raw: m.raw, error: `line ${m.line}: ${m.error}` })) });
  }
  const stored = await storeWrites(prisma, ready, origin);
  return { ...stored, lines: count, malformed: malformed.map(({ line, error }) => ({ line, error })) };
}
