import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { requireActor } from "@/lib/auth/require-actor";
import { HttpError, parseSearchParams, withErrors } from "@/lib/http/errors";
import { int4IdParam, pgTimestampParam } from "@/lib/http/params";
import { readPathParams, sourceNameParam } from "@/lib/http/path-params";
import { getBackendDetail } from "@/lib/postgres/get-backend-detail";
import { getLockSource, monitorError } from "@/lib/postgres/lock-source";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

const QuerySchema = z.object({ backendStart: pgTimestampParam.optional() });

export const GET = withErrors(async (req: NextRequest, ctx: { params: Promise<{ source: string; pid: string }> }) => {
  await requireActor(req, "viewer");
  const parsed = parseSearchParams(QuerySchema, req.nextUrl.searchParams);
  if (!parsed.ok) return parsed.response;
  const params = await readPathParams(ctx.params, { source: sourceNameParam, pid: int4IdParam });
  const { source, url } = await getLockSource(getPrisma(), params.source);
  const detail = await getBackendDetail(source, url, params.pid, parsed.data.backendStart ?? null).catch((err) => {
    throw monitorError(err, source.name);
  });
  if (!detail) throw new HttpError(404, "not_found", `backend ${params.pid} is no longer connected to ${source.name}`);
  return NextResponse.json(detail);
});
