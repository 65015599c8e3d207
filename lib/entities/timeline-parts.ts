import "server-only";
import { Prisma, type PrismaClient } from "../store/generated/client";
import type { EntityItemKind } from "./entity-query";
import { KIND_RANK, type TimelineItem } from "./timeline-types";

/** Items older than the cursor (time, kind rank, id), inside the window. */
export type Window = { before?: { at: Date; rank: number; id: bigint }; from?: Date; to?: Date; limit: number };

export function windowSql(col: Prisma.Sql, idCol: Prisma.Sql, kind: EntityItemKind, w: Window): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (w.from) parts.push(Prisma.sql`${col} >= ${w.from}`);
  if (w.to) parts.push(Prisma.sql`${col} <= ${w.to}`);
  if (w.before) parts.push(Prisma.sql`(${col}, ${KIND_RANK[kind]}::int, ${idCol}::bigint) < (${w.before.at}, ${w.before.rank}::int, ${w.before.id}::bigint)`);
  return parts.length ? Prisma.sql`AND ${Prisma.join(parts, " AND ")}` : Prisma.empty;
}

/** A JSON key may hold the value as a string or a number: `{"user_id": 42}` is entity user_id=42. */
export function keyMatchSql(col: Prisma.Sql, type: string, value: string): Prisma.Sql {
  const shapes: unknown[] = [value];
  if (/^-?\d{1,15}$/.test(value)) shapes.push(Number(value));
  if (value === "true" || value === "false") shapes.push(value === "true");
  return Prisma.sql`(${Prisma.join(
    shapes.map((v) => Prisma.sql`${col} @> ${JSON.stringify({ [type]: v })}::jsonb`),
    " OR ",
  )})`;
}

type EventRow = {
  id: bigint;
  occurredAt: Date;
  source: string;
  kind: string;
  severity: string;
  message: string;
  incidentId: number | null;
  role: string | null;
};

/**
 * The entity's latest events from its links by time (EventEntity's (entityId, occurredAt DESC,
 * eventId DESC) index: one ordered scan per day partition, merged), each joined to its event by
 * its full key. As fast for an entity on a million events as for one on three.
 */
export async function timelineEvents(prisma: PrismaClient, entityId: number, w: Window): Promise<TimelineItem[]> {
  const cond = windowSql(Prisma.sql`ee."occurredAt"`, Prisma.sql`ee."eventId"`, "event", w);
  const rows = await prisma.$queryRaw<EventRow[]>`
    SELECT e.id, e."occurredAt", s.name AS source, e.kind, e.severity, e.message, e."incidentId", x.role
    FROM (SELECT ee."eventId", ee."occurredAt", ee.noise, ee.role FROM "EventEntity" ee
          WHERE ee."entityId" = ${entityId} ${cond}
          ORDER BY ee."occurredAt" DESC, ee."eventId" DESC LIMIT ${w.limit}) x
    JOIN "Event" e ON e.id = x."eventId" AND e."occurredAt" = x."occurredAt" AND e.noise = x.noise
    JOIN "Source" s ON s.id = e."sourceId"
    ORDER BY x."occurredAt" DESC, x."eventId" DESC`;
  return rows.map((r) => ({
    kind: "event",
    id: r.id.toString(),
    at: r.occurredAt.toISOString(),
    source: r.source,
    title: r.message,
    severity: r.severity,
    detail: r.role ? `${r.kind} · ${r.role}` : r.kind,
    href: r.incidentId ? `/incidents/${r.incidentId}` : undefined,
  }));
}

type LockRow = {
  id: bigint;
  from: Date;
  to: Date;
  source: string;
  pid: number;
  granted: boolean;
  mode: string;
  waitMs: number | null;
  samples: number;
  key: string | null;
  application: string | null;
  user: string | null;
  state: string | null;
};

/** Samples of the same backend holding (or waiting for) the same key, collapsed into one span. */
export async function timelineLocks(prisma: PrismaClient, objectKeys: string[], w: Window): Promise<TimelineItem[]> {
  if (objectKeys.length === 0) return [];
  const win = windowSql(Prisma.sql`l."sampledAt"`, Prisma.sql`l.id`, "lock", { ...w, before: undefined });
  const before = w.before
    ? Prisma.sql`HAVING (min(l."sampledAt"), ${KIND_RANK.lock}::int, min(l.id)) < (${w.before.at}, ${w.before.rank}::int, ${w.before.id}::bigint)`
    : Prisma.empty;
  const rows = await prisma.$queryRaw<LockRow[]>`
    SELECT min(l.id) AS id, min(l."sampledAt") AS "from", max(l."sampledAt") AS "to", s.name AS source, l.pid, l.granted, l.mode,
           max(l."waitMs")::int AS "waitMs", count(*)::int AS samples, max(l.data->>'key') AS key,
           max(l.data->>'application') AS application, max(l.data->>'user') AS "user", max(l.data->>'state') AS state
    FROM "LockSample" l JOIN "Source" s ON s.id = l."sourceId"
    WHERE l."objectKey" = ANY(${objectKeys}::text[]) ${win}
    GROUP BY l."sourceId", s.name, l."objectKey", l.pid, l.granted, l.mode, l.data->>'backendStart'
    ${before}
    ORDER BY "from" DESC, id DESC LIMIT ${w.limit}`;
  return rows.map((r) => ({
    kind: "lock",
    id: r.id.toString(),
    at: r.from.toISOString(),
    until: r.to.toISOString(),
    source: r.source,
    title: `pid ${r.pid} ${r.granted ? "held" : "waited for"} advisory lock ${r.key ?? ""} (${r.mode})`,
    detail: [
      r.application && `app ${r.application}`,
      r.user && `user ${r.user}`,
      r.state,
      r.waitMs !== null && `waited up to ${Math.round(r.waitMs / 1000)} s`,
      `${r.samples} sample${r.samples === 1 ? "" : "s"}`,
    ]
      .filter(Boolean)
      .join(" · "),
    status: r.granted ? "held" : "waiting",
    href: `/locks?source=${encodeURIComponent(r.source)}&at=${encodeURIComponent(r.from.toISOString())}`,
  }));
}
