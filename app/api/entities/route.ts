import { NextResponse, type NextRequest } from "next/server";
import { requireActor } from "@/lib/auth/require-actor";
import { parseSearchParams, withErrors } from "@/lib/http/errors";
import { EntitySearchQuerySchema } from "@/lib/entities/entity-query";
import { searchEntities } from "@/lib/entities/search-entities";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

/** GET /api/entities?q=<key prefix, or type:prefix>&type=&limit= */
export const GET = withErrors(async (req: NextRequest) => {
  await requireActor(req, "viewer");
  const parsed = parseSearchParams(EntitySearchQuerySchema, req.nextUrl.searchParams);
  if (!parsed.ok) return parsed.response;
  return NextResponse.json({ items: await searchEntities(getPrisma(), parsed.data) });
});
