import "server-only";
import { Prisma, type PrismaClient } from "../store/generated/client";
import { decodeCursor, encodeCursor } from "./cursor";
import type { IncidentEventsQuery } from "./incident-query";

export type EventEntityRef = { type: string; value: string; role: string | null };
export type IncidentEvent = {
  id: string;
  occurredAt: string;
  source: string;
  kind: string;
  severity: string;
  message: string;
  raw: string;
  fields: Record<string, unknown>;
  entities: EventEntityRef[];
};

type EventRow = { id: bigint; occurredAt: Date; source: string; kind: string; severity: string; message: string; raw: string; fields: Record<string, unknown> };

/** Entities of a page of events, one query. */
export async function entitiesOfEvents(prisma: PrismaClient, ids: bigint[]): Promise<Map<string, EventEntityRef[]>> {
  const out = new Map<string, EventEntityRef[]>();
  if (ids.length === 0) return out;
  const rows = await prisma.$queryRaw<{ eventId: bigint; type: string; value: string; role: string | null }[]>`
    SELECT ee."eventId", en.type, en.value, ee.role
    FROM "EventEntity" ee JOIN "Entity" en ON en.id = ee."entityId"
    WHERE ee."eventId" = ANY(${ids.map(String)}::bigint[])
    ORDER BY ee."eventId", en.type, en.value`;
  for (const r of rows) {
    const k = r.eventId.toString();
    const list = out.get(k) ?? [];
    list.push({ type: r.type, value: r.value, role: r.role });
    out.set(k, list);
  }
  return out;
}

/** An incident's events, latest first, keyset-paginated on (occurredAt, id): Event(incidentId, occurredAt DESC). */
export async function listIncidentEvents(
  prisma: PrismaClient,
  incidentId: number,
  q: IncidentEventsQuery,
): Promise<{ items: IncidentEvent[]; nextCursor: string | null }> {
  const c = q.cursor ? decodeCursor(q.cursor) : null;
  const after = c ? Prisma.sql`AND (e."occurredAt", e.id) < (${new Date(String(c.value))}, ${BigInt(c.id)})` : Prisma.empty;
  const rows = await prisma.$queryRaw<EventRow[]>`
    SELECT e.id, e."occurredAt", s.name AS source, e.kind, e.severity, e.message, e.raw, e.fields
    FROM "Event" e JOIN "Source" s ON s.id = e."sourceId"
    WHERE e."incidentId" = ${incidentId} ${after}
    ORDER BY e."occurredAt" DESC, e.id DESC
    LIMIT ${q.limit + 1}`;
  const page = rows.slice(0, q.limit);
  const ents = await entitiesOfEvents(
    prisma,
    page.map((r) => r.id),
  );
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: r.id.toString(),
      occurredAt: r.occurredAt.toISOString(),
      source: r.source,
      kind: r.kind,
      severity: r.severity,
      message: r.message,
      raw: r.raw,
      fields: r.fields ?? {},
      entities: ents.get(r.id.toString()) ?? [],
    })),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.occurredAt.toISOString(), last.id.toString()) : null,
  };
}
