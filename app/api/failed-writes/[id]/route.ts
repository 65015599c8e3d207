import { NextResponse, type NextRequest } from "next/server";
import { requireActor } from "@/lib/auth/require-actor";
import { HttpError, withErrors } from "@/lib/http/errors";
import { int4IdParam } from "@/lib/http/params";
import { readPathParams } from "@/lib/http/path-params";
import { getFailedWrite } from "@/lib/replay/get-failed-write";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

export const GET = withErrors(async (req: NextRequest, { params }: { params: Promise<{ id: string }> }) => {
  await requireActor(req, "viewer");
  const { id } = await readPathParams(params, { id: int4IdParam });
  const detail = await getFailedWrite(getPrisma(), id);
  if (!detail) throw new HttpError(404, "not_found", `no failed write ${id}`);
  return NextResponse.json(detail);
});
