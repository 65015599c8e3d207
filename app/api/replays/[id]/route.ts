import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { HttpError, withErrors } from "@/lib/http/errors";
import { getReplayProgress } from "@/lib/replay/replay-progress";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

export const GET = withErrors(async (_req: NextRequest, { params }: { params: Promise<{ id: string }> }) => {
  const id = z.coerce.number().int().positive().safeParse((await params).id);
  if (!id.success) throw new HttpError(400, "bad_request", `invalid path parameter "id": must be a positive integer`);
  const progress = await getReplayProgress(getPrisma(), id.data);
  if (!progress) throw new HttpError(404, "not_found", `no replay run ${id.data}`);
  return NextResponse.json(progress);
});
