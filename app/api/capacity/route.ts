import { NextResponse, type NextRequest } from "next/server";
import { requireActor } from "@/lib/auth/require-actor";
import { CapacityQuerySchema, getCapacityOverview } from "@/lib/capacity/get-capacity-overview";
import { parseSearchParams, withErrors } from "@/lib/http/errors";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

export const GET = withErrors(async (req: NextRequest) => {
  await requireActor(req, "viewer");
  const parsed = parseSearchParams(CapacityQuerySchema, req.nextUrl.searchParams);
  if (!parsed.ok) return parsed.response;
  return NextResponse.json(await getCapacityOverview(getPrisma(), parsed.data));
});
