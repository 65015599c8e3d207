import { NextResponse, type NextRequest } from "next/server";
import { requireActor } from "@/lib/auth/require-actor";
import { removeToken } from "@/lib/auth/settings-actions";
import { withErrors } from "@/lib/http/errors";
import { int4IdParam } from "@/lib/http/params";
import { readPathParams } from "@/lib/http/path-params";
import { getPrisma } from "@/lib/store/prisma";

export const POST = withErrors(async (req: NextRequest, ctx: { params: Promise<{ id: string }> }) => {
  const actor = await requireActor(req, "admin");
  const { id } = await readPathParams(ctx.params, { id: int4IdParam });
  return NextResponse.json({ revoked: await removeToken(getPrisma(), actor, id) });
});
