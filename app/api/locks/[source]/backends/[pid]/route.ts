import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { HttpError, parseSearchParams, withErrors } from "@/lib/http/errors";
import { getBackendDetail } from "@/lib/postgres/get-backend-detail";
import { getLockSource, monitorError } from "@/lib/postgres/lock-source";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

const QuerySchema = z.object({ backendStart: z.string().min(10).max(64).optional() });
const PidSchema = z.coerce.number().int().positive();

export const GET = withErrors(async (req: NextRequest, ctx: { params: Promise<{ source: string; pid: string }> }) => {
  const parsed = parseSearchParams(QuerySchema, req.nextUrl.searchParams);
  if (!parsed.ok) return parsed.response;
  const params = await ctx.params;
  const pid = PidSchema.safeParse(params.pid);
  if (!pid.success) throw new HttpError(400, "bad_request", `"${params.pid}" is not a backend pid`);
  const { source, url } = await getLockSource(getPrisma(), params.source);
  const detail = await getBackendDetail(url, pid.data, parsed.data.backendStart ?? null).catch((err) => {
    throw monitorError(err, source.name);
  });
  if (!detail) throw new HttpError(404, "not_found", `backend ${pid.data} is no longer connected to ${source.name}`);
  return NextResponse.json(detail);
});
