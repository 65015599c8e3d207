import { NextResponse, type NextRequest } from "next/server";
import { requireActor } from "@/lib/auth/require-actor";
import { ListActionLogsQuerySchema, listActionLogs } from "@/lib/audit/list-action-logs";
import { parseSearchParams, withErrors } from "@/lib/http/errors";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

export const GET = withErrors(async (req: NextRequest) => {
  await requireActor(req, "viewer");
  const parsed = parseSearchParams(ListActionLogsQuerySchema, req.nextUrl.searchParams);
  if (!parsed.ok) return parsed.response;
  return NextResponse.json(await listActionLogs(getPrisma(), parsed.data));
});
