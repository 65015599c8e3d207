// No "server-only": pure reading of stored audit rows, shared by the sentence builders and tests.
import { decodeAdvisoryKey } from "../postgres/advisory-key";

/** The Audit page's filters, as its URL holds them. */
export const AUDIT_FILTER_KEYS = ["action", "actor", "outcome", "source", "range", "from", "to"] as const;
export type AuditFilterKey = (typeof AUDIT_FILTER_KEYS)[number];

/** An audit row as the sentence builders read it: every JSON part may be any shape (rows outlive code). */
export type AuditRowLike = {
  actor: string;
  action: string;
  source: string | null;
  target: unknown;
  reason: string | null;
  before: unknown;
  outcome: string;
  detail: unknown;
};

export type Json = Record<string, unknown>;

export const obj = (v: unknown): Json => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
export const str = (v: unknown): string | null => (typeof v === "string" && v.trim() ? v : typeof v === "number" || typeof v === "bigint" ? String(v) : null);
export const num = (v: unknown): number | null =>
  typeof v === "number" && Number.isFinite(v) ? v : typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : null;
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** "3 writes", "1 write". */
export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

/** Who acted, as a person reads it: `cli:ana` is ana at the command line, `sso:oidc` the sign-on. */
export function actorWords(actor: string): string {
  if (actor.startsWith("cli:")) return `${actor.slice(4)} (command line)`;
  if (actor.startsWith("sso:")) return `single sign-on (${actor.slice(4)})`;
  return actor;
}

const OID_MAX = 4294967295;
const oid = (v: unknown) => {
  const n = num(v);
  return n !== null && n >= 0 && n <= OID_MAX ? n : null;
};

/**
 * The key the application passed to pg_advisory_lock, from the pg_locks columns an audit row keeps
 * (classid/objid/objsubid), or null when the row names no advisory lock.
 */
export function advisoryKeyOf(lock: unknown): string | null {
  const l = obj(lock);
  const classid = oid(l.classid);
  const objid = oid(l.objid);
  const objsubid = num(l.objsubid);
  if (classid === null || objid === null || (objsubid !== 1 && objsubid !== 2)) return null;
  return decodeAdvisoryKey(classid, objid, objsubid).label;
}

/** "user-4217", "userId user-4217, sessionId s-1": the entities the key stands for, as the row carries them. */
export function entityWords(entities: unknown): string | null {
  const names = list(entities)
    .map((e) => str(obj(e).value))
    .filter((v): v is string => v !== null);
  return names.length ? [...new Set(names)].slice(0, 3).join(", ") : null;
}

/** Counts of outcomes ({applied: 2, conflict: 1}) as words, in a fixed order. */
export function countWords(counts: unknown): string | null {
  const c = obj(counts);
  const order = ["applied", "already_present", "conflict", "failed", "pending", "waiting"];
  const keys = [...order.filter((k) => k in c), ...Object.keys(c).filter((k) => !order.includes(k))];
  const parts = keys
    .map((k) => [k, num(c[k]) ?? 0] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k.replace(/_/g, " ")}`);
  return parts.length ? parts.join(", ") : null;
}
