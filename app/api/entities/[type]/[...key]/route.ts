import { NextResponse, type NextRequest } from "next/server";
import { requireActor } from "@/lib/auth/require-actor";
import { apiError, parseSearchParams, withErrors } from "@/lib/http/errors";
import { EntityKeySchema, EntityTimelineQuerySchema, EntityTypeSchema } from "@/lib/entities/entity-query";
import { getEntityTimeline } from "@/lib/entities/get-entity-timeline";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** GET /api/entities/:type/:key…?cursor=&limit=&from=&to=&include=event,lock,failed_write,replay,action */
export const GET = withErrors(async (req: NextRequest, { params }: { params: Promise<{ type: string; key: string[] }> }) => {
  await requireActor(req, "viewer");
  const p = await params;
  // A key may hold "/": the catch-all keeps its segments.
  const type = EntityTypeSchema.safeParse(decode(p.type));
  const key = EntityKeySchema.safeParse(p.key.map(decode).join("/"));
  if (!type.success) return apiError(400, "bad_request", `invalid path parameter "type": ${type.error.issues[0]?.message}`);
  if (!key.success) return apiError(400, "bad_request", `invalid path parameter "key": ${key.error.issues[0]?.message}`);
  const parsed = parseSearchParams(EntityTimelineQuerySchema, req.nextUrl.searchParams);
  if (!parsed.ok) return parsed.response;
  return NextResponse.json(await getEntityTimeline(getPrisma(), type.data, key.data, parsed.data));
});
