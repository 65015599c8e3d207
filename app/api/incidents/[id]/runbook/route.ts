import { NextResponse, type NextRequest } from "next/server";
import { requireActor } from "@/lib/auth/require-actor";
import { apiError, withErrors } from "@/lib/http/errors";
import { IncidentIdSchema } from "@/lib/incidents/incident-query";
import { getIncidentRunbook } from "@/lib/incidents/runbook/get-incident-runbook";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

/** GET /api/incidents/:id/runbook: what to do, written from this incident's events, catalog and samples. */
export const GET = withErrors(async (req: NextRequest, { params }: { params: Promise<{ id: string }> }) => {
  await requireActor(req, "viewer");
  const id = IncidentIdSchema.safeParse((await params).id);
  if (!id.success) return apiError(400, "bad_request", `invalid path parameter "id": ${id.error.issues[0]?.message}`);
  const runbook = await getIncidentRunbook(getPrisma(), id.data);
  if (!runbook) return apiError(404, "not_found", `no incident ${id.data}`);
  return NextResponse.json(runbook);
});
