import "server-only";
import type { PrismaClient } from "../store/generated/client";
import type { TargetState, WriteToApply } from "./apply-types";
import { readTarget, targetResolver, toWriteToApply, type Target } from "./apply-write";
import type { ClaimedWrite } from "./claim-writes";
import type { FieldDiff } from "./compare-record";
import { errorText } from "./error-kinds";
import { getTargetPool } from "./pg-target-pool";
import { pgShapeReader } from "./pg-table-shape";
import { replayableWhere, type ReplaySelection } from "./replay-run";

/** How many writes one preview reads from the targets at most (the rest are counted, not checked). */
export const PREVIEW_DEFAULT_LIMIT = 500;
export const PREVIEW_MAX_LIMIT = 2000;
const SAMPLE = 10;
const DIFF_FIELDS = 5;

export type PreviewOutcome = "would_apply" | "already_present" | "conflict" | "would_fail" | "unreachable";

export type PreviewSample = {
  id: number;
  source: string;
  namespace: string;
  operation: string;
  key: Record<string, unknown>;
  /** The stored write's value (`expected`) against the target's (`actual`), a few fields at most. */
  diff: FieldDiff[];
  more: number;
  error?: string;
};

export type ReplayPreview = {
  /** Writes the replay would take up now (replayable ones of the selection). */
  selected: number;
  checked: number;
  /** True when `selected` is over the limit: only the first `checked` (by id, the replay's order) were read. */
  capped: boolean;
  limit: number;
  counts: Record<PreviewOutcome, number>;
  conflicts: PreviewSample[];
  failures: PreviewSample[];
  checkedAt: string;
};

/**
 * What the replay would end with, from what the target holds now: insert and upsert of a missing
 * key apply; an identical record is already present; an insert over a different record is a
 * conflict (never overwritten); upsert and update over a different record apply (they set the
 * fields); an update with no record, or a write the source no longer accepts, fails.
 */
export function classifyPreview(operation: WriteToApply["operation"], t: TargetState): PreviewOutcome {
  if (t.state === "refused") return "would_fail";
  if (t.state === "error") return "unreachable";
  if (t.state === "missing") return operation === "update" ? "would_fail" : "would_apply";
  if (t.count > 1) return "conflict";
  if (t.diff.length === 0) return "already_present";
  return operation === "insert" ? "conflict" : "would_apply";
}

const short = (v: unknown) => {
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s !== undefined && s.length > 120 ? `${s.slice(0, 117)}…` : v;
};

type Row = Pick<ClaimedWrite, "id" | "sourceId" | "namespace" | "operation" | "idempotencyKey" | "payload"> & { source: { name: string } };

/**
 * Reads, for each selected write, what its target holds for the key, the way the replay would
 * (same source rules, same key filter, only the write's own fields), and writes nothing:
 * PostgreSQL reads run inside one READ ONLY transaction per source (rolled back), MongoDB reads
 * are finds. Nothing in the store changes either (no run, no attempt, no status).
 */
export async function previewReplay(prisma: PrismaClient, selection: ReplaySelection, opts: { limit?: number } = {}): Promise<ReplayPreview> {
  const limit = Math.min(opts.limit ?? PREVIEW_DEFAULT_LIMIT, PREVIEW_MAX_LIMIT);
  const where = await replayableWhere(prisma, selection);
  const [selected, rows] = await Promise.all([
    prisma.failedWrite.count({ where }),
    prisma.failedWrite.findMany({
      where,
      orderBy: { id: "asc" },
      take: limit,
      select: { id: true, sourceId: true, namespace: true, operation: true, idempotencyKey: true, payload: true, source: { select: { name: true } } },
    }) as Promise<Row[]>,
  ]);
  const counts: Record<PreviewOutcome, number> = { would_apply: 0, already_present: 0, conflict: 0, would_fail: 0, unreachable: 0 };
  const conflicts: PreviewSample[] = [];
  const failures: PreviewSample[] = [];
  const noted = new Set<number>();
  const note = (r: Row, w: WriteToApply, outcome: PreviewOutcome, t: TargetState) => {
    if (noted.has(r.id)) return;
    noted.add(r.id);
    counts[outcome]++;
    const base = { id: r.id, source: r.source.name, namespace: r.namespace, operation: r.operation, key: r.idempotencyKey, diff: [] as FieldDiff[], more: 0 };
    if (outcome === "conflict" && conflicts.length < SAMPLE && t.state === "found") {
      const diff = t.count > 1 ? [{ field: "(key)", expected: "exactly one record", actual: `${t.count} records with this key` }] : t.diff;
      conflicts.push({
        ...base,
        diff: diff.slice(0, DIFF_FIELDS).map((d) => ({ ...d, expected: short(d.expected), actual: short(d.actual) })),
        more: Math.max(0, diff.length - DIFF_FIELDS),
      });
    }
    if ((outcome === "would_fail" || outcome === "unreachable") && failures.length < SAMPLE) {
      failures.push({ ...base, error: t.state === "refused" || t.state === "error" ? t.error : `no record in ${w.namespace} with this key to update` });
    }
  };

  const resolve = targetResolver(prisma);
  const bySource = new Map<number, Row[]>();
  for (const r of rows) bySource.set(r.sourceId, [...(bySource.get(r.sourceId) ?? []), r]);
  for (const [sourceId, writes] of bySource) {
    let target: Target;
    try {
      target = await resolve(sourceId);
    } catch (err) {
      for (const r of writes) note(r, toWriteToApply(r), "unreachable", { state: "error", error: errorText(err) });
      continue;
    }
    await withReadOnly(target, async (readVia) => {
      for (const r of writes) {
        const w = toWriteToApply(r);
        const t = await readVia(w);
        note(r, w, classifyPreview(w.operation, t), t);
      }
    }).catch((err) => {
      // The connection failed (server down, or gone mid-way): the writes not read yet are unreachable.
      for (const r of writes) note(r, toWriteToApply(r), "unreachable", { state: "error", error: errorText(err) });
    });
  }
  return { selected, checked: noted.size, capped: selected > rows.length, limit, counts, conflicts, failures, checkedAt: new Date().toISOString() };
}

type ReadVia = (w: WriteToApply) => Promise<TargetState>;

/** PostgreSQL: one client, BEGIN READ ONLY, every read (catalog included) inside it, then ROLLBACK. */
async function withReadOnly(target: Target, fn: (read: ReadVia) => Promise<void>): Promise<void> {
  if (target.kind !== "postgres") return fn((w) => readTarget(target, w));
  const client = await getTargetPool(target.url).connect();
  let broken: unknown = null;
  try {
    await client.query("BEGIN TRANSACTION READ ONLY");
    const inTx: Target = { ...target, pgShape: pgShapeReader(() => client) };
    // A failed statement aborts the transaction: the next reads need a fresh one.
    await fn(async (w) => {
      const t = await readTarget(inTx, w, { pg: client });
      if (t.state === "error") {
        await client.query("ROLLBACK");
        await client.query("BEGIN TRANSACTION READ ONLY");
      }
      return t;
    });
    await client.query("ROLLBACK");
  } catch (err) {
    broken = err;
    throw err;
  } finally {
    client.release(broken instanceof Error ? broken : undefined);
  }
}
