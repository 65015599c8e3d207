import { normalizeSqlLiterals } from "./normalize-sql";
import type { Engine } from "./runbook-types";

/** What the runbook reads of one stored event. */
export type RunbookEvent = { message: string; raw: string; fields: Record<string, unknown>; occurredAt: string };

const str = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : null);

/** The app's JSON payload when the raw line is one (an app log), else null. */
export function jsonOf(e: RunbookEvent): Record<string, unknown> | null {
  const t = e.raw.trimStart();
  if (!t.startsWith("{")) return null;
  try {
    const v = JSON.parse(t);
    return v && typeof v === "object" && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

/** A field of the event, or of its JSON payload (top level or one object down). */
export function fieldOf(e: RunbookEvent, names: string[], json = jsonOf(e)): string | null {
  for (const n of names) {
    const v = e.fields[n] ?? json?.[n];
    if (typeof v === "string" || typeof v === "number") return String(v);
  }
  for (const v of Object.values(json ?? {})) {
    if (v && typeof v === "object" && !Array.isArray(v))
      for (const n of names) {
        const w = (v as Record<string, unknown>)[n];
        if (typeof w === "string" || typeof w === "number") return String(w);
      }
  }
  return null;
}

/**
 * Which engine an incident is about: the source's own kind when it is a database, else what its
 * events say (E11000 and MongoDB errors, SQLSTATEs and PostgreSQL's wording).
 */
export function engineOf(sourceKind: string | null, events: RunbookEvent[]): Engine | null {
  if (sourceKind === "postgres") return "postgres";
  if (sourceKind === "mongodb") return "mongodb";
  let pg = 0;
  let mongo = 0;
  for (const e of events.slice(0, 20)) {
    const text = `${e.message}\n${e.raw}`;
    if (/E11000|MongoServerError|MongoNetworkError|MongoError|\bcodeName\b|WriteConflict/.test(text) || e.fields.format === "mongodb") mongo++;
    const code = str(e.fields.code);
    if (
      (code && /^[0-9A-Z]{2}[0-9A-Z]{3}$/.test(code) && /^(08|22|23|25|40|53|55|57)/.test(code)) ||
      /violates (?:unique|exclusion) constraint|canceling statement due to|pg_advisory|sorry, too many clients|remaining connection slots|\bSQLSTATE\b/.test(
        text,
      ) ||
      String(e.fields.format ?? "").startsWith("pg-")
    )
      pg++;
  }
  return pg === 0 && mongo === 0 ? null : mongo > pg ? "mongodb" : "postgres";
}

/** The most frequent value (after `norm`) among the events, its first raw form, and how many distinct ones there were. */
export function mostFrequent<T>(
  events: RunbookEvent[],
  pick: (e: RunbookEvent) => T | null,
  norm: (v: T) => string = String,
): { value: T | null; variants: number; count: number } {
  const counts = new Map<string, { v: T; n: number }>();
  for (const e of events) {
    const v = pick(e);
    if (v === null) continue;
    const k = norm(v);
    const c = counts.get(k);
    if (c) c.n++;
    else counts.set(k, { v, n: 1 });
  }
  let best: { v: T; n: number } | null = null;
  for (const c of counts.values()) if (!best || c.n > best.n) best = c;
  return { value: best?.v ?? null, variants: counts.size, count: best?.n ?? 0 };
}

/** How the key values repeat: one key many times is a retry loop, many keys a few times each a race. */
export function keyStatsOf(values: (string | null)[]): { distinct: number; maxPerKey: number; events: number } | null {
  const present = values.filter((v): v is string => v !== null);
  if (present.length === 0) return null;
  const m = new Map<string, number>();
  for (const v of present) m.set(v, (m.get(v) ?? 0) + 1);
  return { distinct: m.size, maxPerKey: Math.max(...m.values()), events: present.length };
}

export const statementKey = (s: string) => normalizeSqlLiterals(s);
