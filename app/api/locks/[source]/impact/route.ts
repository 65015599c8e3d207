import { NextResponse, type NextRequest } from "next/server";
import { requireActor } from "@/lib/auth/require-actor";
import { parseSearchParams, withErrors } from "@/lib/http/errors";
import { readPathParams, sourceNameParam } from "@/lib/http/path-params";
import { HolderImpactQuerySchema, listHolderImpact } from "@/lib/postgres/list-holder-impact";
import { getLockSource } from "@/lib/postgres/lock-source";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

/** GET /api/locks/:source/impact?minutes=15 — per holder and advisory key: waiters, waits, longest wait and lock events over the last minutes. */
export const GET = withErrors(async (req: NextRequest, ctx: { params: Promise<{ source: string }> }) => {
  await requireActor(req, "viewer");
  const parsed = parseSearchParams(HolderImpactQuerySchema, req.nextUrl.searchParams);
  if (!parsed.ok) return parsed.response;
  const { source } = await getLockSource(getPrisma(), (await readPathParams(ctx.params, { source: sourceNameParam })).source);
  return NextResponse.json(await listHolderImpact(getPrisma(), source.id, parsed.data.minutes));
});
