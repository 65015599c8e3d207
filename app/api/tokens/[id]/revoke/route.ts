import { NextResponse, type NextRequest } from "next/server";
import { requireActor } from "@/lib/auth/require-actor";
import { removeToken } from "@/lib/auth/settings-actions";
import { HttpError, withErrors } from "@/lib/http/errors";
import { getPrisma } from "@/lib/store/prisma";

export const POST = withErrors(async (req: NextRequest, ctx: { params: Promise<{ id: string }> }) => {
  const actor = await requireActor(req, "admin");
  const id = Number((await ctx.params).id);
  if (!Number.isInteger(id) || id <= 0) throw new HttpError(400, "bad_request", `invalid token id "${(await ctx.params).id}"`);
  return NextResponse.json({ revoked: await removeToken(getPrisma(), actor, id) });
});
