import "server-only";
import { writeActionLog } from "../audit/write-action-log";
import { HttpError } from "../http/errors";
import { getSourceConnection, type PublicSource } from "../sources/source-registry";
import type { Prisma, PrismaClient } from "../store/generated/client";
import { classifyErrorKind } from "./error-kinds";
import {
  captureKeyOf,
  describeIssue,
  errorMessageOf,
  FailedWriteBatchSchema,
  FailedWriteInputSchema,
  isFailedWriteBatch,
  keyHashOf,
  type FailedWriteInput,
} from "./failed-write-input";
import { mongoFieldRefusal, namespaceRefusal } from "./replay-policy";
import { findUnstorable, storableRaw } from "./storable-value";
import { insertFailedWrites } from "./store-rows";

export type CaptureOrigin = "api" | "ndjson" | "log";
/** The first MAX_REPORTED_ERRORS are listed, `rejected` counts them all: a response stays small whatever the body holds. */
export const MAX_REPORTED_ERRORS = 100;
export type CaptureResult = { ids: number[]; created: number; duplicates: number; rejected: number; errors: { index: number; error: string }[] };

type ResolvedSource = { id: number; kind: "postgres" | "mongodb"; source: PublicSource };
type SourceCache = Map<string, ResolvedSource | string>;
type Ready = { w: FailedWriteInput; source: ResolvedSource };

/** The write's target, or a message saying why it cannot be one (unknown source, undeclared or system namespace, bad field names). */
async function resolveTarget(prisma: PrismaClient, w: FailedWriteInput, cache: SourceCache): Promise<ResolvedSource | string> {
  const cacheKey = String(w.source);
  let hit = cache.get(cacheKey);
  if (hit === undefined) {
    const conn = await getSourceConnection(prisma, w.source);
    if (!conn) hit = `invalid field "source": no source named ${JSON.stringify(w.source)} (add it under Sources first)`;
    else if (conn.source.kind !== "postgres" && conn.source.kind !== "mongodb")
      hit = `invalid field "source": ${conn.source.name} is a ${conn.source.kind} source; failed writes target postgres or mongodb`;
    else hit = { id: conn.source.id, kind: conn.source.kind, source: conn.source };
    cache.set(cacheKey, hit);
  }
  if (typeof hit === "string") return hit;
  if (hit.kind === "postgres") {
    if (w.namespace.split(".").length !== 2) return `invalid field "namespace": a PostgreSQL target is schema.table, got ${JSON.stringify(w.namespace)}`;
    if (w.update?.$unset) return `invalid field "update.$unset": PostgreSQL updates take $set only`;
  }
  const refusal = namespaceRefusal(hit.source, w.namespace);
  if (refusal) return `invalid field "namespace": ${refusal}`;
  return (hit.kind === "mongodb" && mongoFieldRefusal(w)) || hit;
}

/** One submission checked in full before anything is stored: storable, well-formed, and a target its source accepts. */
async function checkSubmission(prisma: PrismaClient, item: unknown, cache: SourceCache): Promise<Ready | string> {
  const unstorable = findUnstorable(item);
  if (unstorable) return unstorable;
  const parsed = FailedWriteInputSchema.safeParse(item);
  if (!parsed.success) return describeIssue(parsed.error);
  const source = await resolveTarget(prisma, parsed.data, cache);
  return typeof source === "string" ? source : { w: parsed.data, source };
}

/** One write, all or nothing: a 400 names what is wrong. */
export async function captureFailedWrite(prisma: PrismaClient, item: unknown, origin: CaptureOrigin): Promise<CaptureResult> {
  const ready = await checkSubmission(prisma, item, new Map());
  if (typeof ready === "string") throw new HttpError(400, "bad_request", ready);
  return storeWrites(prisma, [ready], origin);
}

/**
 * A batch: each write is judged alone. The good ones are stored; a bad one is kept as it came in
 * UnparsedFailedWrite (with its index) and counted, so one poison write never fails the rest.
 */
export async function captureFailedWrites(prisma: PrismaClient, items: unknown[], origin: CaptureOrigin): Promise<CaptureResult> {
  const cache: SourceCache = new Map();
  const ready: Ready[] = [];
  const bad: { index: number; error: string; raw: string }[] = [];
  for (const [index, item] of items.entries()) {
    const r = await checkSubmission(prisma, item, cache);
    if (typeof r === "string") bad.push({ index, error: r, raw: storableRaw(item) });
    else ready.push(r);
  }
  if (bad.length)
    await prisma.unparsedFailedWrite.createMany({ data: bad.map((b) => ({ origin, raw: b.raw, error: storableRaw(`writes[${b.index}]: ${b.error}`) })) });
  const stored = await storeWrites(prisma, ready, origin);
  return {
    ...stored,
    rejected: bad.length,
    errors: bad.slice(0, MAX_REPORTED_ERRORS).map(({ index, error }) => ({ index, error: `writes[${index}]: ${error}` })),
  };
}

/** A push body's writes: one write, or the list of a `{ "writes": [ … ] }` batch (a 400 unless it holds 1 to 1000). */
export function failedWriteBodyItems(body: unknown): { batch: boolean; items: unknown[] } {
  if (!isFailedWriteBatch(body)) return { batch: false, items: [body] };
  const parsed = FailedWriteBatchSchema.safeParse(body);
  if (!parsed.success) throw new HttpError(400, "bad_request", describeIssue(parsed.error));
  return { batch: true, items: parsed.data.writes };
}

/** A push body: one write (all or nothing) or `{ "writes": [ … ] }` (each judged alone). */
export async function captureFailedWriteBody(prisma: PrismaClient, body: unknown, origin: CaptureOrigin): Promise<CaptureResult> {
  const { batch, items } = failedWriteBodyItems(body);
  return batch ? captureFailedWrites(prisma, items, origin) : captureFailedWrite(prisma, items[0], origin);
}

async function storeWrites(prisma: Prisma.TransactionClient, ready: Ready[], origin: CaptureOrigin): Promise<CaptureResult> {
  if (ready.length === 0) return { ids: [], created: 0, duplicates: 0, rejected: 0, errors: [] };
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
  return { ids, created: ids.length, duplicates: data.length - ids.length, rejected: 0, errors: [] };
}

export type ImportResult = Omit<CaptureResult, "errors"> & { lines: number; malformed: { line: number; error: string }[] };

/**
 * NDJSON: one failed write per line. Good lines are stored, bad ones are counted, reported by line
 * number (the first MAX_REPORTED_ERRORS) and kept verbatim in UnparsedFailedWrite, so nothing in the file is lost.
 */
export async function importFailedWritesNdjson(prisma: PrismaClient, actor: string, text: string, origin: CaptureOrigin = "ndjson"): Promise<ImportResult> {
  const cache: SourceCache = new Map();
  const ready: Ready[] = [];
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
    const r = await checkSubmission(prisma, json, cache);
    if (typeof r === "string") malformed.push({ line: i + 1, error: r, raw: line });
    else ready.push(r);
  }
  // What the file held and its failed_write.import row commit together (a 50 MB file may take a while).
  const stored = await prisma.$transaction(
    async (tx) => {
      if (malformed.length) {
        await tx.unparsedFailedWrite.createMany({
          data: malformed.map((m) => ({ origin, raw: storableRaw(m.raw), error: storableRaw(`line ${m.line}: ${m.error}`) })),
        });
      }
      const r = await storeWrites(tx, ready, origin);
      await writeActionLog(tx, {
        actor,
        action: "failed_write.import",
        target: {
          origin,
          lines: count,
          sources: [...new Set(ready.map((x) => x.source.source.name))],
          firstId: r.ids[0] ?? null,
          lastId: r.ids.at(-1) ?? null,
        },
        outcome: `${r.created} stored, ${r.duplicates} already stored, ${malformed.length} malformed`,
        detail: { created: r.created, duplicates: r.duplicates, malformed: malformed.length },
      });
      return r;
    },
    { maxWait: 10_000, timeout: 120_000 },
  );
  return {
    ids: stored.ids,
    created: stored.created,
    duplicates: stored.duplicates,
    rejected: malformed.length,
    lines: count,
    malformed: malformed.slice(0, MAX_REPORTED_ERRORS).map(({ line, error }) => ({ line, error: storableRaw(error) })),
  };
}
