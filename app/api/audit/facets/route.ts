import { NextResponse, type NextRequest } from "next/server";
import { requireActor } from "@/lib/auth/require-actor";
import { ListAuditFacetsQuerySchema, listAuditFacets } from "@/lib/audit/list-audit-facets";
import { parseSearchParams, withErrors } from "@/lib/http/errors";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

/** The values the Audit page's select filters offer (action, actor, source, outcome), from the store. */
export const GET = withErrors(async (req: NextRequest) => {
  await requireActor(req, "viewer");
  const parsed = parseSearchParams(ListAuditFacetsQuerySchema, req.nextUrl.searchParams);
  if (!parsed.ok) return parsed.response;
  return NextResponse.json(await listAuditFacets(getPrisma(), parsed.data));
});
