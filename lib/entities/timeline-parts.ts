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
  return Prisma.sql`(${Prisma.join(shapes.map((v) => Prisma.sql`${col} @> ${JSON.stringify({ [type]: v })}::jsonb`), " OR ")})`;
}

// Past this many events, an entity's latest events are found walking Event by time (the entity
// is on a large share of them) instead of sorting all of its events.
export const HOT_ENTITY_EVENTS = 20_000;

type EventRow = { id: bigint; occurredAt: Date; source: string; kind: string; severity: string; message: string; incidentId: number | null; role: string | null };

export async function timelineEvents(prisma: PrismaClient, entityId: number, w: Window): Promise<TimelineItem[]> {
  const [{ n }] = await prisma.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM (SELECT 1 FROM "EventEntity" WHERE "entityId" = ${entityId} LIMIT ${HOT_ENTITY_EVENTS + 1}) x`;
  const cond = windowSql(Prisma.sql`e."occurredAt"`, Prisma.sql`e.id`, "event", w);
  const rows =
    n > HOT_ENTITY_EVENTS
      ? await prisma.$queryRaw<EventRow[]>`
          SELECT e.id, e."occurredAt", s.name AS source, e.kind, e.severity, e.message, e."incidentId", ee.role
          FROM "Event" e JOIN "EventEntity" ee ON ee."eventId" = e.id AND ee."entityId" = ${entityId}
          JOIN "Source" s ON s.id = e."sourceId"
          WHERE TRUE ${cond}
          ORDER BY e."occurredAt" DESC, e.id DESC LIMIT ${w.limit}`
      : await prisma.$queryRaw<EventRow[]>`
          SELECT e.id, e."occurredAt", s.name AS source, e.kind, e.severity, e.message, e."incidentId", ee.role
          FROM "EventEntity" ee JOIN "Event" e ON e.id = ee."eventId" JOIN "Source" s ON s.id = e."sourceId"
          WHERE ee."entityId" = ${entityId} ${cond}
          ORDER BY e."occurredAt" DESC, e.id DESC LIMIT ${w.limit}`;
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

type LockRow = { id: bigint; from: Date; to: Date; source: string; pid: number; granted: boolean; mode: string; waitMs: number | null; samples: number; key: string | null; application: string | null; user: string | null; state: string | null };

/** Samples of the same backend holding (or waiting for) the same key, collapsed into one span. */
export async function timelineLocks(prisma: PrismaClient, objectKeys: string[], w: Window): Promise<TimelineItem[]> {
  if (objectKeys.length === 0) return [];
  const win = windowSql(Prisma.sql`l."sampledAt"`, Prisma.sql`l.id`, "lock", { ...w, before: undefined });
  const before = w.before ? Prisma.sql`HAVING (min(l."sampledAt"), ${KIND_RANK.lock}::int, min(l.id)) < (${w.before.at}, ${w.before.rank}::int, ${w.before.id}::bigint)` : Prisma.empty;
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
    detail: [r.application && `app ${r.application}`, r.user && `user ${r.user}`, r.state, r.waitMs !== null && `waited up to ${Math.round(r.waitMs / 1000)} s`, `${r.samples} sample${r.samples === 1 ? "" : "s"}`]
      .filter(Boolean)
      .join(" · "),
    status: r.granted ? "held" : "waiting",
    href: `/locks?source=${encodeURIComponent(r.source)}&at=${encodeURIComponent(r.from.toISOString())}`,
  }));
}
