import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { HttpError, withErrors } from "@/lib/http/errors";
import { getFailedWrite } from "@/lib/replay/get-failed-write";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

const IdSchema = z.coerce.number().int().positive();

export const GET = withErrors(async (_req: NextRequest, { params }: { params: Promise<{ id: string }> }) => {
  const id = IdSchema.safeParse((await params).id);
  if (!id.success) throw new HttpError(400, "bad_request", `invalid path parameter "id": must be a positive integer`);
  const detail = await getFailedWrite(getPrisma(), id.data);
  if (!detail) throw new HttpError(404, "not_found", `no failed write ${id.data}`);
  return NextResponse.json(detail);
});
