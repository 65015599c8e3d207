import "server-only";
import { getSourceConnection } from "../sources/source-registry";
import type { PrismaClient } from "../store/generated/client";
import { applyToMongo, readMongoTarget } from "./apply-mongo";
import { applyToPostgres, readPostgresTarget } from "./apply-postgres";
import type { ApplyResult, TargetState, WriteToApply } from "./apply-types";
import type { ClaimedWrite } from "./claim-writes";
import { errorText } from "./error-kinds";

export type Target = { kind: "postgres" | "mongodb"; url: string };

/** Resolves each source once per replay; a source without a URL is reported, not thrown later. */
export function targetResolver(prisma: PrismaClient) {
  const cache = new Map<number, Promise<Target>>();
  return (sourceId: number): Promise<Target> => {
    let p = cache.get(sourceId);
    if (!p) {
      p = getSourceConnection(prisma, sourceId).then((c) => {
        if (!c?.url || (c.source.kind !== "postgres" && c.source.kind !== "mongodb")) throw new Error(`source ${sourceId} has no postgres/mongodb URL`);
        return { kind: c.source.kind, url: c.url };
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

export function applyWrite(target: Target, w: WriteToApply): Promise<ApplyResult> {
  return target.kind === "postgres" ? applyToPostgres(target.url, w) : applyToMongo(target.url, w);
}

export async function readTarget(target: Target, w: WriteToApply): Promise<TargetState> {
  try {
    return await (target.kind === "postgres" ? readPostgresTarget(target.url, w) : readMongoTarget(target.url, w));
  } catch (err) {
    return { state: "error", error: errorText(err) };
  }
}
