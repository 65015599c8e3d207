import "server-only";
import { z } from "zod";
import { isoDateTimeParam } from "../http/params";
import { Prisma, type PrismaClient } from "../store/generated/client";

export const AUDIT_FACETS = ["action", "actor", "source", "outcome"] as const;
export type AuditFacet = (typeof AUDIT_FACETS)[number];

export const ListAuditFacetsQuerySchema = z.object({
  from: isoDateTimeParam.optional(),
  to: isoDateTimeParam.optional(),
});
export type ListAuditFacetsQuery = z.infer<typeof ListAuditFacetsQuerySchema>;

/** One value a filter can take, with how many rows hold it. */
export type AuditFacetValue = { value: string; count: number };
export type AuditFacets = Record<AuditFacet, AuditFacetValue[]> & { truncated: AuditFacet[] };

type FacetRow = { facet: AuditFacet; value: string; n: number };

/** Enough for every action and actor; replay outcomes carry counts, so only the commonest are offered. */
const MAX_VALUES = 100;

/**
 * The values the Audit page's select filters offer: what the ActionLog actually holds (one
 * statement, each facet's most frequent values first), so a select never offers a value that
 * lists nothing.
 */
export async function listAuditFacets(prisma: PrismaClient, q: ListAuditFacetsQuery = {}): Promise<AuditFacets> {
  const window = Prisma.sql`WHERE (${q.from ?? null}::timestamptz IS NULL OR a.at >= ${q.from ?? null}::timestamptz)
    AND (${q.to ?? null}::timestamptz IS NULL OR a.at <= ${q.to ?? null}::timestamptz)`;
  const rows = await prisma.$queryRaw<FacetRow[]>`
    WITH w AS (SELECT a.action, a.actor, a.outcome, s.name AS source FROM "ActionLog" a LEFT JOIN "Source" s ON s.id = a."sourceId" ${window}),
    f AS (
      SELECT 'action' AS facet, action AS value, count(*)::int AS n FROM w GROUP BY action
      UNION ALL SELECT 'actor', actor, count(*)::int FROM w GROUP BY actor
      UNION ALL SELECT 'source', source, count(*)::int FROM w WHERE source IS NOT NULL GROUP BY source
      UNION ALL SELECT 'outcome', outcome, count(*)::int FROM w GROUP BY outcome),
    ranked AS (SELECT f.*, row_number() OVER (PARTITION BY facet ORDER BY n DESC, value) AS rank FROM f)
    SELECT facet, value, n FROM ranked WHERE rank <= ${MAX_VALUES + 1} ORDER BY facet, value`;
  const out: AuditFacets = { action: [], actor: [], source: [], outcome: [], truncated: [] };
  for (const r of rows) out[r.facet].push({ value: r.value, count: r.n });
  for (const f of AUDIT_FACETS) {
    if (out[f].length > MAX_VALUES) {
      out[f] = out[f]
        .sort((a, b) => b.count - a.count)
        .slice(0, MAX_VALUES)
        .sort((a, b) => a.value.localeCompare(b.value));
      out.truncated.push(f);
    }
  }
  return out;
}
