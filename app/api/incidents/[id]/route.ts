import { NextResponse, type NextRequest } from "next/server";
import { requireActor } from "@/lib/auth/require-actor";
import { apiError, parseSearchParams, withErrors } from "@/lib/http/errors";
import { getIncident } from "@/lib/incidents/get-incident";
import { IncidentDetailQuerySchema, IncidentIdSchema } from "@/lib/incidents/incident-query";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

/** GET /api/incidents/:id?range=1h|6h|24h|7d|all or ?from=…&to=… (neither: fitted to the incident's age) */
export const GET = withErrors(async (req: NextRequest, { params }: { params: Promise<{ id: string }> }) => {
  await requireActor(req, "viewer");
  const id = IncidentIdSchema.safeParse((await params).id);
  if (!id.success) return apiError(400, "bad_request", `invalid path parameter "id": ${id.error.issues[0]?.message}`);
  const parsed = parseSearchParams(IncidentDetailQuerySchema, req.nextUrl.searchParams);
  if (!parsed.ok) return parsed.response;
  const detail = await getIncident(getPrisma(), id.data, parsed.data);
  return detail ? NextResponse.json(detail) : apiError(404, "not_found", `no incident ${id.data}`);
});
