import { NextResponse, type NextRequest } from "next/server";
import { parseSearchParams, withErrors } from "@/lib/http/errors";
import { LockHistoryQuerySchema, listLockHistory } from "@/lib/postgres/list-lock-history";
import { samplerSettings } from "@/lib/postgres/lock-sampler";
import { getLockSource } from "@/lib/postgres/lock-source";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

export const GET = withErrors(async (req: NextRequest, ctx: { params: Promise<{ source: string }> }) => {
  const parsed = parseSearchParams(LockHistoryQuerySchema, req.nextUrl.searchParams);
  if (!parsed.ok) return parsed.response;
  const { source } = await getLockSource(getPrisma(), (await ctx.params).source);
  return NextResponse.json(await listLockHistory(getPrisma(), source.id, parsed.data, samplerSettings().intervalMs));
});
