import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { requireActor } from "@/lib/auth/require-actor";
import { readJsonBody, withErrors } from "@/lib/http/errors";
import { int4IdParam } from "@/lib/http/params";
import { readPathParams } from "@/lib/http/path-params";
import { replayOneNow } from "@/lib/replay/replay-one";
import { ReplayReasonSchema } from "@/lib/replay/replay-reason";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

const ReplayOneSchema = z.object({ overwrite: z.boolean().default(false), reason: ReplayReasonSchema });

export const POST = withErrors(async (req: NextRequest, { params }: { params: Promise<{ id: string }> }) => {
  const actor = await requireActor(req, "operator");
  const { id } = await readPathParams(params, { id: int4IdParam });
  // An empty body is refused like any other without a reason (400 naming "reason").
  const input = req.headers.get("content-length") === "0" ? ReplayOneSchema.parse({}) : await readJsonBody(req, ReplayOneSchema, 10_000);
  return NextResponse.json(await replayOneNow(getPrisma(), id, { actor: actor.name, origin: "dashboard", ...input }));
});
