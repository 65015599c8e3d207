import { NextResponse, type NextRequest } from "next/server";
import { AlertDestinationInputSchema } from "@/lib/alerts/alert-schemas";
import { deleteDestination, saveDestination } from "@/lib/alerts/destinations";
import { requireActor } from "@/lib/auth/require-actor";
import { readJsonBody, withErrors } from "@/lib/http/errors";
import { int4IdParam } from "@/lib/http/params";
import { readPathParams } from "@/lib/http/path-params";
import { getPrisma } from "@/lib/store/prisma";

type Ctx = { params: Promise<{ id: string }> };

/** A URL or secret left out keeps the stored one. */
export const PUT = withErrors(async (req: NextRequest, ctx: Ctx) => {
  const actor = await requireActor(req, "admin");
  const { id } = await readPathParams(ctx.params, { id: int4IdParam });
  const body = await readJsonBody(req, AlertDestinationInputSchema, 10_000);
  return NextResponse.json(await saveDestination(getPrisma(), actor.name, body, id));
});

export const DELETE = withErrors(async (req: NextRequest, ctx: Ctx) => {
  const actor = await requireActor(req, "admin");
  const { id } = await readPathParams(ctx.params, { id: int4IdParam });
  return NextResponse.json(await deleteDestination(getPrisma(), actor.name, id));
});
