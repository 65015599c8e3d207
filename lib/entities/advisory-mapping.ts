import "server-only";
import { z } from "zod";
import { advisoryObjectKey, encodeBigintKey, encodeInt4PairKey } from "../postgres/advisory-key";
import type { PrismaClient } from "../store/generated/client";

/**
 * How an application turns an entity into the advisory lock it takes, so the entity timeline can
 * show that lock's samples. LOCKBOARD_ENTITY_ADVISORY_KEYS, a JSON object by entity type:
 *   {"userId": {"hash": "none"}}                    pg_advisory_lock(user_id)
 *   {"session_uuid": {"hash": "hashtext"}}          pg_advisory_lock(hashtext(session_uuid))
 *   {"messageId": {"hash": "hashtextextended"}}     pg_advisory_lock(hashtextextended(message_id, 0))
 *   {"conversationId": {"hash": "hashtext", "classId": 7}}   pg_advisory_lock(7, hashtext(conversation_id))
 *   {"userId": {"hash": "hashtextextended", "prefix": "user-metadata:"}}
 *                                                   pg_advisory_lock(hashtextextended('user-metadata:' || user_id, 0))
 * The entity type `advisory_lock` (what ingestion extracts from lock-wait logs) always maps to itself.
 */
export const AdvisoryMappingSchema = z.record(
  z.string().min(1),
  z.object({
    hash: z.enum(["none", "hashtext", "hashtextextended"]).default("none"),
    classId: z
      .number()
      .int()
      .min(-(2 ** 31))
      .max(2 ** 31 - 1)
      .optional(),
    /** Text the application puts before the value it hashes (`'user-metadata:' || user_id`); hashed forms only. */
    prefix: z.string().max(200).optional(),
  }),
);
export type AdvisoryMapping = z.infer<typeof AdvisoryMappingSchema>;

export function advisoryMappingFromEnv(env: Record<string, string | undefined> = process.env): AdvisoryMapping {
  const raw = env.LOCKBOARD_ENTITY_ADVISORY_KEYS;
  if (!raw) return {};
  try {
    return AdvisoryMappingSchema.parse(JSON.parse(raw));
  } catch (err) {
    console.error(`[lockboard] LOCKBOARD_ENTITY_ADVISORY_KEYS ignored: ${(err as Error).message}`);
    return {};
  }
}

/** One advisory lock object as pg_locks shows it, and its label as LockSample.data.key holds it. */
export type MappedAdvisoryKey = { label: string; classid: number; objid: number; objsubid: 1 | 2; via: string };

const INT8 = /^-?\d{1,19}$/;
const inInt4 = (n: bigint) => n >= -(2n ** 31n) && n < 2n ** 31n;
const inInt8 = (n: bigint) => n >= -(2n ** 63n) && n < 2n ** 63n;

function bigintKey(k: bigint, via: string): MappedAdvisoryKey {
  return { label: k.toString(), ...encodeBigintKey(k), via };
}
function pairKey(a: number, b: number, via: string): MappedAdvisoryKey {
  return { label: `(${a}, ${b})`, ...encodeInt4PairKey(a, b), via };
}

/** The advisory key(s) an entity maps to; hashing runs in the store (same functions as the app's server). */
export async function advisoryKeysFor(prisma: PrismaClient, type: string, value: string, mapping = advisoryMappingFromEnv()): Promise<MappedAdvisoryKey[]> {
  if (type === "advisory_lock") {
    const pair = /^\(?\s*(-?\d{1,10})\s*,\s*(-?\d{1,10})\s*\)?$/.exec(value);
    if (pair && inInt4(BigInt(pair[1])) && inInt4(BigInt(pair[2]))) return [pairKey(Number(pair[1]), Number(pair[2]), "advisory lock")];
    if (INT8.test(value) && inInt8(BigInt(value))) return [bigintKey(BigInt(value), "advisory lock")];
    return [];
  }
  const m = mapping[type];
  if (!m) return [];
  let n: bigint | null = null;
  if (m.hash === "none") n = INT8.test(value) && inInt8(BigInt(value)) ? BigInt(value) : null;
  else {
    const text = (m.prefix ?? "") + value;
    const [h] = await prisma.$queryRaw<{ h4: number; h8: string }[]>`SELECT hashtext(${text}) AS h4, hashtextextended(${text}, 0)::text AS h8`;
    n = m.hash === "hashtext" ? BigInt(h.h4) : BigInt(h.h8);
  }
  return n === null ? [] : mappedKey(type, m, n);
}

/** The key an entity's number (its value, or the store's hash of it) stands for under mapping `m`. */
export function mappedKey(type: string, m: AdvisoryMapping[string], n: bigint): MappedAdvisoryKey[] {
  const via = m.hash === "none" ? `${type} as the key` : `${m.hash}(${m.prefix ? `'${m.prefix}' || ` : ""}${type})`;
  if (m.classId !== undefined) return inInt4(n) ? [pairKey(m.classId, Number(n), `(${m.classId}, ${via})`)] : [];
  return inInt8(n) ? [bigintKey(n, via)] : [];
}

/** The databases (oids) LockSample has advisory rows for: a loose index scan over LockSample(objectKey). */
export async function advisoryDatabases(prisma: PrismaClient): Promise<string[]> {
  const rows = await prisma.$queryRaw<{ db: string }[]>`
    WITH RECURSIVE dbs(k) AS (
      (SELECT "objectKey" FROM "LockSample" WHERE "objectKey" >= 'advisory:' AND "objectKey" < 'advisory;' ORDER BY "objectKey" LIMIT 1)
      UNION ALL
      SELECT (SELECT l."objectKey" FROM "LockSample" l
              WHERE l."objectKey" >= 'advisory:' || split_part(dbs.k, ':', 2) || ';' AND l."objectKey" < 'advisory;'
              ORDER BY l."objectKey" LIMIT 1)
      FROM dbs WHERE dbs.k IS NOT NULL)
    SELECT DISTINCT split_part(k, ':', 2) AS db FROM dbs WHERE k IS NOT NULL`;
  return rows.map((r) => r.db).filter((d) => /^\d+$/.test(d));
}

/** LockSample.objectKey values of these keys in every database seen. */
export async function objectKeysFor(prisma: PrismaClient, keys: MappedAdvisoryKey[]): Promise<string[]> {
  if (keys.length === 0) return [];
  const dbs = await advisoryDatabases(prisma);
  return dbs.flatMap((db) => keys.map((k) => advisoryObjectKey(Number(db), k.classid, k.objid, k.objsubid)));
}
