import { NextResponse, type NextRequest } from "next/server";
import { requireActor } from "@/lib/auth/require-actor";
import { apiError, parseSearchParams, withErrors } from "@/lib/http/errors";
import { IncidentEventsQuerySchema, IncidentIdSchema } from "@/lib/incidents/incident-query";
import { listIncidentEvents } from "@/lib/incidents/list-incident-events";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

/** GET /api/incidents/:id/events?cursor=&limit=: latest first, with raw text, fields and entities. */
export const GET = withErrors(async (req: NextRequest, { params }: { params: Promise<{ id: string }> }) => {
  await requireActor(req, "viewer");
  const id = IncidentIdSchema.safeParse((await params).id);
  if (!id.success) return apiError(400, "bad_request", `invalid path parameter "id": ${id.error.issues[0]?.message}`);
  const parsed = parseSearchParams(IncidentEventsQuerySchema, req.nextUrl.searchParams);
  if (!parsed.ok) return parsed.response;
  const prisma = getPrisma();
  if (!(await prisma.incident.findUnique({ where: { id: id.data }, select: { id: true } }))) return apiError(404, "not_found", `no incident ${id.data}`);
  return NextResponse.json(await listIncidentEvents(prisma, id.data, parsed.data));
});
