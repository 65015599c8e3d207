import { NextResponse, type NextRequest } from "next/server";
import { parseSearchParams, withErrors } from "@/lib/http/errors";
import { getOverview, OverviewQuerySchema } from "@/lib/overview/get-overview";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

/** GET /api/overview?range=1h|6h|24h */
export const GET = withErrors(async (req: NextRequest) => {
  const parsed = parseSearchParams(OverviewQuerySchema, req.nextUrl.searchParams);
  if (!parsed.ok) return parsed.response;
  return NextResponse.json(await getOverview(getPrisma(), parsed.data));
});
