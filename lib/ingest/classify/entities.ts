import "server-only";

/** A typed key an operator follows across sources; `role` says what part it played (holder, waiter…). */
export type ExtractedEntity = { type: string; value: string; role?: string };

const MAX_VALUE = 200;
const clip = (s: string) => (s.length > MAX_VALUE ? s.slice(0, MAX_VALUE) : s);

/** `Key (a, b)=(x, y) already exists.` → a=x, b=y. Values containing ", " stay whole when there is one column. */
export function entitiesFromPgKeyDetail(detail: string | undefined): ExtractedEntity[] {
  const m = detail && /Key \((.+?)\)=\((.*)\) (?:already exists|conflicts with existing key)/.exec(detail);
  if (!m) return [];
  const cols = m[1].split(/,\s*/);
  const vals = cols.length === 1 ? [m[2]] : m[2].split(/,\s*/);
  return cols.map((c, i) => ({ type: c.replace(/^"|"$/g, ""), value: clip(vals[i] ?? "") }));
}

export function constraintFromMessage(message: string): string | null {
  return /unique constraint "([^"]+)"/.exec(message)?.[1] ?? null;
}

export type MongoDupKey = { collection: string; index: string; entities: ExtractedEntity[] };

/**
 * `E11000 duplicate key error collection: db.c index: name_1 dup key: { name: "x", n: 1 }` (4.2+;
 * 3.x prints `{ : "x" }`), and 2.x's `E11000 duplicate key error index: db.c.$name_1  dup key: { : "x" }`.
 */
export function parseMongoDupKey(text: string): MongoDupKey | null {
  const m =
    /E11000 duplicate key error collection: (\S+) index: (\S+)(?: dup key: \{ ?(.*?) ?\})?/.exec(text) ??
    /E11000 duplicate key error index: (\S+?)\.\$(\S+)(?:\s+dup key: \{ ?(.*?) ?\})?/.exec(text);
  if (!m) return null;
  const [, collection, index, body] = m;
  const entities: ExtractedEntity[] = [
    { type: "collection", value: collection },
    { type: "index", value: index },
  ];
  const fieldNames = index.replace(/_-?1$|_text$|_hashed$/, "").split(/_-?1_/);
  const pairs = body ? body.split(/,\s+(?=[\w.$]*\s?:)/) : [];
  pairs.forEach((p, i) => {
    const kv = /^([\w.$]*)\s?:\s?(.*)$/.exec(p.trim());
    if (!kv) return;
    const value = kv[2].replace(/^"(.*)"$/, "$1").replace(/^ObjectId\('([0-9a-f]+)'\)$/, "$1");
    entities.push({ type: kv[1] || fieldNames[i] || `key${i}`, value: clip(value) });
  });
  return { collection, index, entities };
}

/** Prisma P2002: `Unique constraint failed on the fields: (`a`,`b`)` or `… on the constraint: `name``. */
export function prismaUniqueTarget(text: string): string | null {
  const m = /Unique constraint failed on the (?:fields|constraint): \(?((?:`[^`]+`,?\s*)+)\)?/.exec(text);
  return m ? m[1].replace(/[`\s]/g, "") : null;
}

/** Advisory lock tags `[db,classid,objid,objsubid]`: objsubid 1 is one bigint key (classid = high half), 2 is two int keys. */
export function decodeAdvisoryLock(tag: string): { key: string; form: "bigint" | "int4pair"; database: string } | null {
  const m = /^\[(\d+),(\d+),(\d+),(\d+)\]$/.exec(tag);
  if (!m) return null;
  const [, db, classid, objid, sub] = m;
  if (sub === "1") return { key: BigInt.asIntN(64, (BigInt(classid) << 32n) | BigInt(objid)).toString(), form: "bigint", database: db };
  return { key: `${BigInt.asIntN(32, BigInt(classid))},${BigInt.asIntN(32, BigInt(objid))}`, form: "int4pair", database: db };
}

export type LockWait = { waiter: string; mode: string; target: string; advisory?: ReturnType<typeof decodeAdvisoryLock> };

/** `process 12 still waiting for ShareLock on transaction 7 after 1000.1 ms` (log_lock_waits), and `acquired`, `detected deadlock while waiting for`, `avoided deadlock for`. */
export function parseLockWait(message: string): LockWait | null {
  // At the start of a server's message, or quoted in an application's line (`pg: process 12 still waiting …`).
  const m =
    /(?:^|[\s:])process (\d+) (?:still waiting for|acquired|detected deadlock while waiting for|avoided deadlock for) (\w+) on (.+?) (?:by rearranging queue order )?after [\d.]+ ms/.exec(
      message,
    );
  if (!m) return null;
  const adv = /^advisory lock (\[[\d,]+\])$/.exec(m[3]);
  return { waiter: m[1], mode: m[2], target: m[3], ...(adv ? { advisory: decodeAdvisoryLock(adv[1]) } : {}) };
}

/** DETAIL of a lock wait: `Process holding the lock: 1. Wait queue: 2, 3.` (plural for shared holders). */
export function lockWaitPids(detail: string | undefined): ExtractedEntity[] {
  if (!detail) return [];
  const out: ExtractedEntity[] = [];
  const holders = /Process(?:es)? holding the lock: ([\d, ]+)\./.exec(detail)?.[1];
  const queue = /Wait queue: ([\d, ]+)\./.exec(detail)?.[1];
  for (const p of holders?.split(/,\s*/) ?? []) if (p) out.push({ type: "pid", value: p, role: "holder" });
  for (const p of queue?.split(/,\s*/) ?? []) if (p && !out.some((e) => e.value === p)) out.push({ type: "pid", value: p, role: "waiter" });
  return out;
}

/** DETAIL of a deadlock: `Process 1 waits for ShareLock on transaction 9; blocked by process 2.` per line. */
export function deadlockPids(detail: string | undefined): ExtractedEntity[] {
  const out: ExtractedEntity[] = [];
  for (const m of (detail ?? "").matchAll(/Process (\d+) waits for (\w+) on (.+?); blocked by process (\d+)\./g)) {
    if (!out.some((e) => e.value === m[1])) out.push({ type: "pid", value: m[1], role: "deadlock" });
  }
  return out;
}

/** `while updating tuple (0,1) in relation "t"` (CONTEXT), `could not obtain lock on row in relation "t"`. */
export function relationOf(...texts: (string | undefined)[]): string | null {
  for (const t of texts) {
    const m = t && /\brelation "([^"]+)"/.exec(t);
    if (m) return m[1];
  }
  return null;
}

export const DEFAULT_ENTITY_FIELDS = ["messageId", "conversationId", "userId", "user", "sessionId", "requestId", "traceId"];

export function configuredEntityFields(): string[] {
  const env = process.env.LOCKBOARD_ENTITY_FIELDS;
  return env
    ? env
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : DEFAULT_ENTITY_FIELDS;
}

/** Values of the configured field names anywhere in a JSON payload (3 levels deep), `user: {id}` read as its id. */
export function entitiesFromJson(json: Record<string, unknown> | undefined, names: string[], depth = 3): ExtractedEntity[] {
  const out: ExtractedEntity[] = [];
  const want = new Set(names);
  const walk = (o: Record<string, unknown>, d: number) => {
    for (const k in o) {
      if (out.length >= 20) return;
      const v = o[k];
      if (want.has(k)) {
        const val = typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>).id : v;
        if ((typeof val === "string" && val.length > 0) || typeof val === "number") {
          if (!out.some((e) => e.type === k && e.value === String(val))) out.push({ type: k, value: clip(String(val)) });
          continue;
        }
      }
      // A MongoDB error's keyPattern holds index directions (1, -1), not values.
      if (d > 1 && typeof v === "object" && v !== null && !Array.isArray(v) && k !== "keyPattern") walk(v as Record<string, unknown>, d - 1);
    }
  };
  if (json) walk(json, depth);
  return out;
}
