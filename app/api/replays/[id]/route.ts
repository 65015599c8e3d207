import { NextResponse, type NextRequest } from "next/server";
import { requireActor } from "@/lib/auth/require-actor";
import { HttpError, withErrors } from "@/lib/http/errors";
import { int4IdParam } from "@/lib/http/params";
import { readPathParams } from "@/lib/http/path-params";
import { getReplayProgress } from "@/lib/replay/replay-progress";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

export const GET = withErrors(async (req: NextRequest, { params }: { params: Promise<{ id: string }> }) => {
  await requireActor(req, "viewer");
  const { id } = await readPathParams(params, { id: int4IdParam });
  const progress = await getReplayProgress(getPrisma(), id);
  if (!progress) throw new HttpError(404, "not_found", `no replay run ${id}`);
  return NextResponse.json(progress);
});
