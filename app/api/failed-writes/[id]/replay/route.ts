import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { requireActor } from "@/lib/auth/require-actor";
import { HttpError, readJsonBody, withErrors } from "@/lib/http/errors";
import { replayOneNow } from "@/lib/replay/replay-one";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

const ReplayOneSchema = z.object({ overwrite: z.boolean().default(false), reason: z.string().trim().max(500).optional() });

export const POST = withErrors(async (req: NextRequest, { params }: { params: Promise<{ id: string }> }) => {
  const actor = await requireActor(req, "operator");
  const id = z.coerce.number().int().positive().safeParse((await params).id);
  if (!id.success) throw new HttpError(400, "bad_request", `invalid path parameter "id": must be a positive integer`);
  const input = req.headers.get("content-length") === "0" ? ReplayOneSchema.parse({}) : await readJsonBody(req, ReplayOneSchema, 10_000);
  return NextResponse.json(await replayOneNow(getPrisma(), id.data, { actor: actor.name, ...input }));
});
