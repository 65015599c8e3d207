import { NextResponse, type NextRequest } from "next/server";
import { apiError, parseSearchParams, withErrors } from "@/lib/http/errors";
import { getIncident } from "@/lib/incidents/get-incident";
import { IncidentDetailQuerySchema, IncidentIdSchema } from "@/lib/incidents/incident-query";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

/** GET /api/incidents/:id?range=1h|6h|24h|7d|all */
export const GET = withErrors(async (req: NextRequest, { params }: { params: Promise<{ id: string }> }) => {
  const id = IncidentIdSchema.safeParse((await params).id);
  if (!id.success) return apiError(400, "bad_request", `invalid path parameter "id": must be a positive integer`);
  const parsed = parseSearchParams(IncidentDetailQuerySchema, req.nextUrl.searchParams);
  if (!parsed.ok) return parsed.response;
  const detail = await getIncident(getPrisma(), id.data, parsed.data.range);
  return detail ? NextResponse.json(detail) : apiError(404, "not_found", `no incident ${id.data}`);
});
