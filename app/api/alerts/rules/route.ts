import { NextResponse, type NextRequest } from "next/server";
import { AlertRuleInputSchema } from "@/lib/alerts/alert-schemas";
import { saveRule } from "@/lib/alerts/rules";
import { requireActor } from "@/lib/auth/require-actor";
import { readJsonBody, withErrors } from "@/lib/http/errors";
import { getPrisma } from "@/lib/store/prisma";

export const POST = withErrors(async (req: NextRequest) => {
  const actor = await requireActor(req, "admin");
  const body = await readJsonBody(req, AlertRuleInputSchema, 20_000);
  return NextResponse.json(await saveRule(getPrisma(), actor.name, body), { status: 201 });
});
