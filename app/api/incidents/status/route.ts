import { NextResponse, type NextRequest } from "next/server";
import { requireActor } from "@/lib/auth/require-actor";
import { readJsonBody, withErrors } from "@/lib/http/errors";
import { changeIncidentStatus } from "@/lib/incidents/change-status";
import { ChangeStatusBodySchema } from "@/lib/incidents/incident-query";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

/** POST /api/incidents/status {ids, status, reason?}: one or many incidents, audited per incident. */
export const POST = withErrors(async (req: NextRequest) => {
  const actor = await requireActor(req, "operator");
  const body = await readJsonBody(req, ChangeStatusBodySchema, 100_000);
  const result = await changeIncidentStatus(getPrisma(), actor, body);
  if (result.changes.length === 0)
    return NextResponse.json({ error: { code: "not_found", message: `no incident ${result.missing.join(", ")}` } }, { status: 404 });
  return NextResponse.json(result);
});
