import { NextResponse, type NextRequest } from "next/server";
import { requireActor } from "@/lib/auth/require-actor";
import { parseSearchParams, withErrors } from "@/lib/http/errors";
import { ListIncidentsQuerySchema } from "@/lib/incidents/incident-query";
import { listIncidents } from "@/lib/incidents/list-incidents";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

/** GET /api/incidents?kind=&source=&status=&q=&range=|from=&to=&sort=lastSeen|count|rate&cursor=&limit= */
export const GET = withErrors(async (req: NextRequest) => {
  await requireActor(req, "viewer");
  const parsed = parseSearchParams(ListIncidentsQuerySchema, req.nextUrl.searchParams);
  if (!parsed.ok) return parsed.response;
  return NextResponse.json(await listIncidents(getPrisma(), parsed.data));
});
