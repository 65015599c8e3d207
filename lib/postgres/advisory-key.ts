/**
 * Advisory lock keys as pg_locks shows them (PostgreSQL docs, "pg_locks": "A bigint key is
 * displayed with its high-order half in the classid column, its low-order half in the objid
 * column, and objsubid equal to 1 … two integer keys … objsubid equal to 2").
 */
export type AdvisoryKey = { form: "bigint"; key: string; label: string } | { form: "int4pair"; key1: number; key2: number; label: string };

/** classid/objid are oids (unsigned 32-bit); the keys the application passed are signed. */
export function decodeAdvisoryKey(classid: number, objid: number, objsubid: number): AdvisoryKey {
  if (objsubid === 2) {
    const key1 = classid | 0;
    const key2 = objid | 0;
    return { form: "int4pair", key1, key2, label: `(${key1}, ${key2})` };
  }
  const key = BigInt.asIntN(64, (BigInt(classid >>> 0) << 32n) | BigInt(objid >>> 0)).toString();
  return { form: "bigint", key, label: key };
}

/** The pg_locks columns a bigint key shows up as, e.g. to look for `pg_advisory_lock(k)`. */
export function encodeBigintKey(key: bigint | string | number): { classid: number; objid: number; objsubid: 1 } {
  const u = BigInt.asUintN(64, BigInt(key));
  return { classid: Number(u >> 32n), objid: Number(u & 0xffffffffn), objsubid: 1 };
}

export function encodeInt4PairKey(key1: number, key2: number): { classid: number; objid: number; objsubid: 2 } {
  return { classid: key1 >>> 0, objid: key2 >>> 0, objsubid: 2 };
}

/** A stable text id for one advisory lock object in one database (LockSample.objectKey, incident fingerprints). */
export function advisoryObjectKey(database: number, classid: number, objid: number, objsubid: number): string {
  return `advisory:${database}:${classid}:${objid}:${objsubid}`;
}
