import { NextResponse, type NextRequest } from "next/server";
import { listDeliveries, sendTestMessage } from "@/lib/alerts/deliver";
import { requireActor } from "@/lib/auth/require-actor";
import { withErrors } from "@/lib/http/errors";
import { int4IdParam } from "@/lib/http/params";
import { readPathParams } from "@/lib/http/path-params";
import { getPrisma } from "@/lib/store/prisma";

/** Sends a test message now and answers with its delivery (status code, attempts, body sent). */
export const POST = withErrors(async (req: NextRequest, ctx: { params: Promise<{ id: string }> }) => {
  const actor = await requireActor(req, "admin");
  const { id } = await readPathParams(ctx.params, { id: int4IdParam });
  const prisma = getPrisma();
  const row = await sendTestMessage(prisma, actor.name, id);
  const [delivery] = (await listDeliveries(prisma, { destinationId: id, limit: 20 })).filter((d) => d.id === row.id);
  return NextResponse.json({ delivery });
});
