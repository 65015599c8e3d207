import "server-only";
import { getMongoClient } from "../../mongo/mongo-client";
import type { MongoIndexInfo } from "./mongo-duplicate";

const cache = new Map<string, { at: number; value: MongoIndexInfo | null }>();
const TTL_MS = 5 * 60_000;

/** One index of a collection as listIndexes describes it (read-only, 1.5 s), cached for a few minutes. */
export async function lookupMongoIndex(url: string, db: string, collection: string, index: string): Promise<MongoIndexInfo | null> {
  const key = `${url}\u0000${db}.${collection}\u0000${index}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
  const client = await getMongoClient(url);
  const all = await client
    .db(db)
    .collection(collection)
    .listIndexes({ maxTimeMS: 1_500 } as never)
    .toArray();
  const found = all.find((i) => i.name === index);
  const value: MongoIndexInfo | null = found
    ? {
        key: found.key as Record<string, unknown>,
        unique: found.unique === true,
        partialFilterExpression: (found.partialFilterExpression as Record<string, unknown> | undefined) ?? null,
        sparse: found.sparse === true,
      }
    : null;
  if (cache.size > 500) cache.clear();
  cache.set(key, { at: Date.now(), value });
  return value;
}
