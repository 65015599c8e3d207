import { NextResponse, type NextRequest } from "next/server";
import { AlertRuleInputSchema } from "@/lib/alerts/alert-schemas";
import { deleteRule, saveRule } from "@/lib/alerts/rules";
import { requireActor } from "@/lib/auth/require-actor";
import { readJsonBody, withErrors } from "@/lib/http/errors";
import { int4IdParam } from "@/lib/http/params";
import { readPathParams } from "@/lib/http/path-params";
import { getPrisma } from "@/lib/store/prisma";

type Ctx = { params: Promise<{ id: string }> };

/** Replaces the rule (pausing and resuming included: `paused` in the body). */
export const PUT = withErrors(async (req: NextRequest, ctx: Ctx) => {
  const actor = await requireActor(req, "admin");
  const { id } = await readPathParams(ctx.params, { id: int4IdParam });
  const body = await readJsonBody(req, AlertRuleInputSchema, 20_000);
  return NextResponse.json(await saveRule(getPrisma(), actor.name, body, id));
});

export const DELETE = withErrors(async (req: NextRequest, ctx: Ctx) => {
  const actor = await requireActor(req, "admin");
  const { id } = await readPathParams(ctx.params, { id: int4IdParam });
  return NextResponse.json(await deleteRule(getPrisma(), actor.name, id));
});
