import "server-only";
import type { PrismaClient } from "../store/generated/client";
import { advisoryMappingFromEnv, mappedKey, type AdvisoryMapping } from "./advisory-mapping";

/** An entity seen in events whose advisory key (under LOCKBOARD_ENTITY_ADVISORY_KEYS) is this one. */
export type KeyEntity = { type: string; value: string; via: string };

const MAX_KEYS = 20_000;
const SCAN_BATCH = 5_000;
/** A page load never waits for more than this much hashing; the rest is read on the next calls. */
const MAX_SCAN_PER_CALL = 50_000;

type EntityHashRow = { id: number; type: string; value: string; k: string | null };
type State = { config: string; scannedId: number; keys: Map<string, KeyEntity[]>; complete: boolean; refreshing: Promise<void> | null };
let state: State | null = null;
let maxKeys = MAX_KEYS;

/** Tests start from an empty cache (and may make it small to see a key evicted). */
export function resetAdvisoryKeyCache(opts: { maxKeys?: number } = {}): void {
  state = null;
  maxKeys = opts.maxKeys ?? MAX_KEYS;
}

const mappedTypes = (mapping: AdvisoryMapping) => Object.entries(mapping).filter(([type]) => type !== "advisory_lock");

/**
 * The store hashes exactly as the application's server does (hashtext/hashtextextended), so
 * the key of every entity of a mapped type is computed there, in one statement per batch.
 */
function hashRows(prisma: PrismaClient, mapping: AdvisoryMapping, afterId: number, limit: number, wanted?: string[]) {
  const m = mappedTypes(mapping);
  return prisma.$queryRaw<EntityHashRow[]>`
    SELECT * FROM (
      SELECT e.id, e.type, e.value,
             CASE m.hash WHEN 'none' THEN CASE WHEN e.value ~ '^-?[0-9]{1,19}$' THEN e.value END
                         WHEN 'hashtext' THEN hashtext(m.prefix || e.value)::text
                         ELSE hashtextextended(m.prefix || e.value, 0)::text END AS k
      FROM unnest(${m.map(([t]) => t)}::text[], ${m.map(([, v]) => v.hash)}::text[], ${m.map(([, v]) => v.prefix ?? "")}::text[]) AS m(type, hash, prefix)
      JOIN "Entity" e ON e.type = m.type
      WHERE e.id > ${afterId}) h
    WHERE ${wanted ?? null}::text[] IS NULL OR h.k = ANY(${wanted ?? []}::text[])
    ORDER BY h.id LIMIT ${limit}`;
}

function add(keys: Map<string, KeyEntity[]>, mapping: AdvisoryMapping, r: EntityHashRow): boolean {
  if (r.k === null) return false;
  const [key] = mappedKey(r.type, mapping[r.type], BigInt(r.k));
  if (!key) return false;
  const list = keys.get(key.label) ?? [];
  if (!list.some((e) => e.type === r.type && e.value === r.value)) list.push({ type: r.type, value: r.value, via: key.via });
  keys.delete(key.label);
  keys.set(key.label, list.slice(-5));
  return true;
}

async function refresh(prisma: PrismaClient, s: State, mapping: AdvisoryMapping): Promise<void> {
  let scanned = 0;
  for (;;) {
    const rows = await hashRows(prisma, mapping, s.scannedId, SCAN_BATCH);
    for (const r of rows) add(s.keys, mapping, r);
    if (rows.length > 0) s.scannedId = rows[rows.length - 1].id;
    scanned += rows.length;
    if (rows.length < SCAN_BATCH || scanned >= MAX_SCAN_PER_CALL) break;
  }
  // Least recently used keys go first; a key missed after that is looked up directly.
  while (s.keys.size > maxKeys) {
    s.keys.delete(s.keys.keys().next().value!);
    s.complete = false;
  }
  if (scanned >= MAX_SCAN_PER_CALL) s.complete = false;
}

/** The number a key label stands for under `mapping` (what the store compares hashes with). */
function numbersFor(label: string, mapping: AdvisoryMapping): string[] {
  const pair = /^\((-?\d+), (-?\d+)\)$/.exec(label);
  const classIds = new Set(mappedTypes(mapping).map(([, m]) => m.classId));
  if (pair) return classIds.has(Number(pair[1])) ? [pair[2]] : [];
  return /^-?\d+$/.test(label) && classIds.has(undefined) ? [label] : [];
}

/**
 * The entities each advisory key label stands for, from the entities ingested so far: new
 * entities are hashed once (incrementally, by Entity.id) and kept in memory, so a Locks page
 * refresh costs a map lookup.
 */
export async function entitiesForAdvisoryKeys(prisma: PrismaClient, labels: string[], mapping = advisoryMappingFromEnv()): Promise<Map<string, KeyEntity[]>> {
  const out = new Map<string, KeyEntity[]>();
  if (labels.length === 0 || mappedTypes(mapping).length === 0) return out;
  const config = JSON.stringify(mapping);
  if (!state || state.config !== config) state = { config, scannedId: 0, keys: new Map(), complete: true, refreshing: null };
  const s = state;
  s.refreshing ??= refresh(prisma, s, mapping).finally(() => (s.refreshing = null));
  await s.refreshing;
  const missed: string[] = [];
  for (const label of new Set(labels)) {
    const hit = s.keys.get(label);
    if (hit) {
      s.keys.delete(label);
      s.keys.set(label, hit);
      out.set(label, hit);
    } else missed.push(label);
  }
  if (!s.complete && missed.length > 0) {
    const wanted = missed.slice(0, 50).flatMap((l) => numbersFor(l, mapping));
    if (wanted.length > 0) {
      const found = new Map<string, KeyEntity[]>();
      for (const r of await hashRows(prisma, mapping, 0, 200, wanted)) add(found, mapping, r);
      for (const [label, list] of found) if (missed.includes(label)) out.set(label, list);
    }
  }
  return out;
}

/** The cache's size, for tests and the README's figures. */
export const advisoryKeyCacheStats = () => ({ keys: state?.keys.size ?? 0, scannedId: state?.scannedId ?? 0, complete: state?.complete ?? true });
