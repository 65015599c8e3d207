import { type NextRequest } from "next/server";
import { z } from "zod";
import { requireActor } from "@/lib/auth/require-actor";
import { ListActionLogsQuerySchema, listActionLogs } from "@/lib/audit/list-action-logs";
import { toCsv } from "@/lib/http/csv";
import { parseSearchParams, withErrors } from "@/lib/http/errors";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

const ExportQuerySchema = ListActionLogsQuerySchema.omit({ limit: true, cursor: true }).extend({ format: z.enum(["csv", "json"]).default("csv") });

export const GET = withErrors(async (req: NextRequest) => {
  await requireActor(req, "viewer");
  const parsed = parseSearchParams(ExportQuerySchema, req.nextUrl.searchParams);
  if (!parsed.ok) return parsed.response;
  const { format, ...filters } = parsed.data;
  const { items } = await listActionLogs(getPrisma(), { ...filters, limit: 50_000 });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const body =
    format === "json"
      ? JSON.stringify(items, null, 1)
      : toCsv(
          ["id", "at", "actor", "action", "sentence", "source", "target", "reason", "outcome", "before", "detail"],
          items.map((r) => [r.id, r.at, r.actor, r.action, r.sentence, r.source, r.target, r.reason, r.outcome, r.before, r.detail]),
        );
  return new Response(body, {
    headers: {
      "content-type": format === "json" ? "application/json" : "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="lockboard-audit-${stamp}.${format}"`,
    },
  });
});
