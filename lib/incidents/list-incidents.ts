import "server-only";
import { z } from "zod";
import { getPrisma } from "../store/prisma";

export const IncidentStatusSchema = z.enum(["open", "acknowledged", "resolved", "muted"]);

export const ListIncidentsQuerySchema = z.object({
  kind: z.string().min(1).max(64).optional(),
  status: IncidentStatusSchema.optional(),
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type ListIncidentsQuery = z.infer<typeof ListIncidentsQuerySchema>;

export type IncidentSummary = {
  id: number;
  kind: string;
  title: string;
  source: string | null;
  count: number;
  status: string;
  regression: boolean;
  firstSeen: string;
  lastSeen: string;
};

export async function listIncidents(query: ListIncidentsQuery): Promise<IncidentSummary[]> {
  const rows = await getPrisma().incident.findMany({
    where: {
      kind: query.kind,
      status: query.status,
      title: query.q ? { contains: query.q, mode: "insensitive" } : undefined,
    },
    include: { source: { select: { name: true } } },
    orderBy: { lastSeen: "desc" },
    take: query.limit,
  });
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    title: r.title,
    source: r.source?.name ?? null,
    count: r.count,
    status: r.status,
    regression: r.regression,
    firstSeen: r.firstSeen.toISOString(),
    lastSeen: r.lastSeen.toISOString(),
  }));
}
