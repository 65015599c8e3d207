import { NextResponse, type NextRequest } from "next/server";
import { requireActor } from "@/lib/auth/require-actor";
import { getFleet, GetFleetQuerySchema } from "@/lib/fleet/get-fleet";
import { parseSearchParams, withErrors } from "@/lib/http/errors";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

/** The instances on this store and which holds which job lease (Settings, admins only). */
export const GET = withErrors(async (req: NextRequest) => {
  await requireActor(req, "admin");
  const parsed = parseSearchParams(GetFleetQuerySchema, req.nextUrl.searchParams);
  if (!parsed.ok) return parsed.response;
  return NextResponse.json(await getFleet(getPrisma(), parsed.data));
});
