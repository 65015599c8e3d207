import { NextResponse, type NextRequest } from "next/server";
import { requireActor } from "@/lib/auth/require-actor";
import { toCsv } from "@/lib/http/csv";
import { parseSearchParams, withErrors } from "@/lib/http/errors";
import { ExportIncidentsQuerySchema } from "@/lib/incidents/incident-query";
import { queryIncidents, toSummary } from "@/lib/incidents/list-incidents";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

const COLUMNS = [
  "id",
  "kind",
  "title",
  "subject",
  "source",
  "status",
  "regression",
  "count",
  "rate",
  "firstSeen",
  "lastSeen",
  "statusChangedBy",
  "statusChangedAt",
] as const;

/** GET /api/incidents/export?format=csv|json&<the list's filters>: the filtered list as a file (up to `limit` rows). */
export const GET = withErrors(async (req: NextRequest) => {
  await requireActor(req, "viewer");
  const parsed = parseSearchParams(ExportIncidentsQuerySchema, req.nextUrl.searchParams);
  if (!parsed.ok) return parsed.response;
  const rows = (await queryIncidents(getPrisma(), parsed.data)).map(toSummary);
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  if (parsed.data.format === "json") {
    return NextResponse.json({ items: rows }, { headers: { "content-disposition": `attachment; filename="incidents-${stamp}.json"` } });
  }
  const body = toCsv(
    [...COLUMNS],
    rows.map((r) => COLUMNS.map((c) => r[c])),
  );
  return new NextResponse(body, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="incidents-${stamp}.csv"` },
  });
});
