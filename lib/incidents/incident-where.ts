import "server-only";
import { Prisma } from "../store/generated/client";
import { RANGE_MS } from "../vocabulary/time-ranges";
import type { IncidentFilters } from "./incident-query";

const like = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The SQL condition of a filter on `"Incident" i` (joined `"Source" s` for the source name). */
export function incidentWhere(f: IncidentFilters, now = new Date()): Prisma.Sql {
  const and: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (f.kind) and.push(Prisma.sql`i.kind = ${f.kind}`);
  if (f.status) and.push(Prisma.sql`i.status = ${f.status}`);
  if (f.source)
    and.push(
      /^\d+$/.test(f.source) ? Prisma.sql`i."sourceId" = ${Number(f.source)}` : Prisma.sql`i."sourceId" = (SELECT id FROM "Source" WHERE name = ${f.source})`,
    );
  if (f.q) {
    const q = like(f.q);
    and.push(Prisma.sql`(i.title ILIKE ${q} OR i.kind ILIKE ${q} OR i.fingerprint ILIKE ${q})`);
  }
  if (f.range) and.push(Prisma.sql`i."lastSeen" >= ${new Date(now.getTime() - RANGE_MS[f.range])}`);
  // An incident is in [from, to] when it was active at some point inside it.
  if (f.from) and.push(Prisma.sql`i."lastSeen" >= ${new Date(f.from)}`);
  if (f.to) and.push(Prisma.sql`i."firstSeen" <= ${new Date(f.to)}`);
  return Prisma.join(and, " AND ");
}
