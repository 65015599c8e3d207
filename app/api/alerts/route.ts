import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { listDeliveries } from "@/lib/alerts/deliver";
import { listDestinations } from "@/lib/alerts/destinations";
import { listRules } from "@/lib/alerts/rules";
import { requireActor } from "@/lib/auth/require-actor";
import { parseSearchParams, withErrors } from "@/lib/http/errors";
import { int4IdParam } from "@/lib/http/params";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

const AlertsQuerySchema = z
  .object({ limit: z.coerce.number().int().min(1).max(500).default(100), destination: int4IdParam.optional(), rule: int4IdParam.optional() })
  .strict();

/** Rules, destinations (URLs cut to their origin, secrets only as "set") and the latest deliveries. */
export const GET = withErrors(async (req: NextRequest) => {
  await requireActor(req, "viewer");
  const q = parseSearchParams(AlertsQuerySchema, req.nextUrl.searchParams);
  if (!q.ok) return q.response;
  const prisma = getPrisma();
  const [rules, destinations, deliveries] = await Promise.all([
    listRules(prisma),
    listDestinations(prisma),
    listDeliveries(prisma, { limit: q.data.limit, destinationId: q.data.destination, ruleId: q.data.rule }),
  ]);
  return NextResponse.json({ rules, destinations, deliveries });
});
