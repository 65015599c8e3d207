import "server-only";
import { getSourceConnection } from "../sources/source-registry";
import type { PrismaClient } from "../store/generated/client";
import { applyToMongo, readMongoTarget } from "./apply-mongo";
import { applyToPostgres, readPostgresTarget, type PgQueryable, type PgShapeOf } from "./apply-postgres";
import { PermanentApplyError, type ApplyResult, type TargetState, type WriteToApply } from "./apply-types";
import type { ClaimedWrite } from "./claim-writes";
import { errorText } from "./error-kinds";
import { getTargetPool } from "./pg-target-pool";
import { pgShapeReader } from "./pg-table-shape";
import { writeRefusal } from "./replay-policy";

export type Target = {
  kind: "postgres" | "mongodb";
  url: string;
  /** The source as it is now: its config decides which namespaces it accepts. */
  source: { name: string; kind: string; config: unknown };
  pgShape: PgShapeOf;
};

/** Resolves each source once per replay; a source without a URL is reported, not thrown later. */
export function targetResolver(prisma: PrismaClient) {
  const cache = new Map<number, Promise<Target>>();
  const pgShape = pgShapeReader(getTargetPool);
  return (sourceId: number): Promise<Target> => {
    let p = cache.get(sourceId);
    if (!p) {
      p = getSourceConnection(prisma, sourceId).then((c) => {
        if (!c?.url || (c.source.kind !== "postgres" && c.source.kind !== "mongodb")) throw new Error(`source ${sourceId} has no postgres/mongodb URL`);
        return { kind: c.source.kind, url: c.url, source: c.source, pgShape };
      });
      cache.set(sourceId, p);
    }
    return p;
  };
}

export function toWriteToApply(w: Pick<ClaimedWrite, "id" | "namespace" | "operation" | "idempotencyKey" | "payload">, overwrite = false): WriteToApply {
  return {
    id: w.id,
    namespace: w.namespace,
    // The operator's explicit choice on a conflict: write the payload over the target's record.
    operation: overwrite && w.operation === "insert" ? "upsert" : w.operation,
    key: w.idempotencyKey,
    payload: w.payload as WriteToApply["payload"],
  };
}

/** Re-checked at every read and write: the write may predate the rule, or the source's config may have changed. */
export class ReplayRefusedError extends PermanentApplyError {}

function assertAccepted(target: Target, w: WriteToApply): void {
  const refusal = writeRefusal(target.source, { namespace: w.namespace, key: w.key, ...w.payload });
  if (refusal) throw new ReplayRefusedError(refusal);
}

export function applyWrite(target: Target, w: WriteToApply): Promise<ApplyResult> {
  assertAccepted(target, w);
  return target.kind === "postgres" ? applyToPostgres(target.url, w, target.pgShape) : applyToMongo(target.url, w);
}

/** `via.pg`: read through this client (a READ ONLY transaction) rather than the target's pool. */
export async function readTarget(target: Target, w: WriteToApply, via: { pg?: PgQueryable } = {}): Promise<TargetState> {
  try {
    assertAccepted(target, w);
    return await (target.kind === "postgres" ? readPostgresTarget(target.url, w, target.pgShape, via.pg) : readMongoTarget(target.url, w));
  } catch (err) {
    if (err instanceof PermanentApplyError) return { state: "refused", error: errorText(err) };
    return { state: "error", error: errorText(err) };
  }
}
