import { NextResponse, type NextRequest } from "next/server";
import { requireActor } from "@/lib/auth/require-actor";
import { parseSearchParams, withErrors } from "@/lib/http/errors";
import { readPathParams, sourceNameParam } from "@/lib/http/path-params";
import { LockHistoryQuerySchema, listLockHistory } from "@/lib/postgres/list-lock-history";
import { samplerSettings } from "@/lib/postgres/lock-sampler";
import { getLockSource } from "@/lib/postgres/lock-source";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

export const GET = withErrors(async (req: NextRequest, ctx: { params: Promise<{ source: string }> }) => {
  await requireActor(req, "viewer");
  const parsed = parseSearchParams(LockHistoryQuerySchema, req.nextUrl.searchParams);
  if (!parsed.ok) return parsed.response;
  const { source } = await getLockSource(getPrisma(), (await readPathParams(ctx.params, { source: sourceNameParam })).source);
  return NextResponse.json(await listLockHistory(getPrisma(), source.id, parsed.data, samplerSettings().intervalMs));
});
