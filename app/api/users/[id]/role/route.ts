import { NextResponse, type NextRequest } from "next/server";
import { requireActor } from "@/lib/auth/require-actor";
import { changeUserRole, SetRoleBodySchema } from "@/lib/auth/settings-actions";
import { HttpError, readJsonBody, withErrors } from "@/lib/http/errors";
import { pathTextParam, readPathParams } from "@/lib/http/path-params";
import { getPrisma } from "@/lib/store/prisma";

export const POST = withErrors(async (req: NextRequest, ctx: { params: Promise<{ id: string }> }) => {
  const actor = await requireActor(req, "admin");
  const { role } = await readJsonBody(req, SetRoleBodySchema, 1_000);
  const { id } = await readPathParams(ctx.params, { id: pathTextParam(200) });
  if (!(await changeUserRole(getPrisma(), actor, id, role))) throw new HttpError(404, "not_found", `no user ${id}`);
  return NextResponse.json({ ok: true });
});
