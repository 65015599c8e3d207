import "server-only";
import { describeAction } from "../audit/describe-action";
import { Prisma, type PrismaClient } from "../store/generated/client";
import type { MappedAdvisoryKey } from "./advisory-mapping";
import { keyMatchSql, windowSql, type Window } from "./timeline-parts";
import type { TimelineItem } from "./timeline-types";

/** Ids of the failed writes whose idempotency key names this entity (GIN on "idempotencyKey"). */
export async function failedWriteIdsFor(prisma: PrismaClient, type: string, value: string): Promise<number[]> {
  const rows = await prisma.$queryRaw<{ id: number }[]>`
    SELECT id FROM "FailedWrite" w WHERE ${keyMatchSql(Prisma.sql`w."idempotencyKey"`, type, value)} ORDER BY id DESC LIMIT 1000`;
  return rows.map((r) => r.id);
}

type WriteRow = {
  id: number;
  occurredAt: Date;
  source: string;
  namespace: string;
  operation: string;
  status: string;
  errorKind: string;
  error: string;
  attempts: number;
};

export async function timelineFailedWrites(prisma: PrismaClient, ids: number[], w: Window): Promise<TimelineItem[]> {
  if (ids.length === 0) return [];
  const rows = await prisma.$queryRaw<WriteRow[]>`
    SELECT w.id, w."occurredAt", s.name AS source, w.namespace, w.operation, w.status, w."errorKind", w.error, w.attempts
    FROM "FailedWrite" w JOIN "Source" s ON s.id = w."sourceId"
    WHERE w.id = ANY(${ids}::int[]) ${windowSql(Prisma.sql`w."occurredAt"`, Prisma.sql`w.id`, "failed_write", w)}
    ORDER BY w."occurredAt" DESC, w.id DESC LIMIT ${w.limit}`;
  return rows.map((r) => ({
    kind: "failed_write",
    id: String(r.id),
    at: r.occurredAt.toISOString(),
    source: r.source,
    title: `Failed ${r.operation} into ${r.namespace}`,
    detail: `${r.errorKind}: ${r.error}`,
    status: r.status,
    href: `/failed-writes?id=${r.id}`,
  }));
}

type AttemptRow = {
  id: number;
  startedAt: Date;
  failedWriteId: number;
  attempt: number;
  outcome: string;
  error: string | null;
  worker: string;
  source: string;
  namespace: string;
};

export async function timelineReplays(prisma: PrismaClient, ids: number[], w: Window): Promise<TimelineItem[]> {
  if (ids.length === 0) return [];
  const rows = await prisma.$queryRaw<AttemptRow[]>`
    SELECT a.id, a."startedAt", a."failedWriteId", a.attempt, a.outcome, a.error, a.worker, s.name AS source, fw.namespace
    FROM "FailedWriteAttempt" a JOIN "FailedWrite" fw ON fw.id = a."failedWriteId" JOIN "Source" s ON s.id = fw."sourceId"
    WHERE a."failedWriteId" = ANY(${ids}::int[]) ${windowSql(Prisma.sql`a."startedAt"`, Prisma.sql`a.id`, "replay", w)}
    ORDER BY a."startedAt" DESC, a.id DESC LIMIT ${w.limit}`;
  return rows.map((r) => ({
    kind: "replay",
    id: String(r.id),
    at: r.startedAt.toISOString(),
    source: r.source,
    title: `Replay attempt ${r.attempt} of failed write #${r.failedWriteId} into ${r.namespace}: ${r.outcome.replace(/_/g, " ")}`,
    detail: r.error ? `${r.error} (${r.worker})` : r.worker,
    status: r.outcome,
    href: `/failed-writes?id=${r.failedWriteId}`,
  }));
}

type ActionRow = {
  id: number;
  at: Date;
  actor: string;
  action: string;
  source: string | null;
  outcome: string;
  reason: string | null;
  target: Record<string, unknown>;
  before: unknown;
  detail: unknown;
};

/**
 * Audit rows about this entity: replays of its failed writes (run or scheduled retry), lock
 * actions on its advisory key, and status changes of incidents its recent events belong to.
 */
export async function timelineActions(
  prisma: PrismaClient,
  ctx: { failedWriteIds: number[]; keys: MappedAdvisoryKey[]; incidentIds: number[] },
  w: Window,
): Promise<TimelineItem[]> {
  const shapes: unknown[] = [];
  if (ctx.failedWriteIds.length) {
    const runs = await prisma.$queryRaw<{ id: number }[]>`
      SELECT DISTINCT "replayRunId" AS id FROM "ReplayRunItem" WHERE "failedWriteId" = ANY(${ctx.failedWriteIds}::int[]) LIMIT 500`;
    for (const r of runs) shapes.push({ replayRunId: r.id });
    for (const id of ctx.failedWriteIds.slice(0, 200)) shapes.push({ failedWriteIds: [id] });
  }
  for (const k of ctx.keys) shapes.push({ lock: { classid: k.classid, objid: k.objid, objsubid: k.objsubid } });
  for (const id of ctx.incidentIds) shapes.push({ incidentId: id });
  if (shapes.length === 0) return [];
  const rows = await prisma.$queryRaw<ActionRow[]>`
    SELECT a.id, a.at, a.actor, a.action, s.name AS source, a.outcome, a.reason, a.target, a.before, a.detail
    FROM "ActionLog" a LEFT JOIN "Source" s ON s.id = a."sourceId"
    WHERE a.target @> ANY(${shapes.map((s) => JSON.stringify(s))}::jsonb[]) ${windowSql(Prisma.sql`a.at`, Prisma.sql`a.id`, "action", w)}
    ORDER BY a.at DESC, a.id DESC LIMIT ${w.limit}`;
  return rows.map((r) => ({
    kind: "action",
    id: String(r.id),
    at: r.at.toISOString(),
    source: r.source,
    // The Audit page's sentence (lib/audit/describe-action.ts), so both read the same.
    title: describeAction(r),
    detail: r.reason,
    status: r.outcome,
    href: typeof r.target.incidentId === "number" ? `/incidents/${r.target.incidentId}` : `/audit?${new URLSearchParams({ action: r.action, actor: r.actor })}`,
  }));
}
