import { NextResponse, type NextRequest } from "next/server";
import { parseSearchParams, withErrors } from "@/lib/http/errors";
import { ListIncidentsQuerySchema, listIncidents } from "@/lib/incidents/list-incidents";

export const dynamic = "force-dynamic";

export const GET = withErrors(async (req: NextRequest) => {
  const parsed = parseSearchParams(ListIncidentsQuerySchema, req.nextUrl.searchParams);
  if (!parsed.ok) return parsed.response;
  return NextResponse.json({ items: await listIncidents(parsed.data) });
});
