import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { requireActor } from "@/lib/auth/require-actor";
import { readJsonBody, withErrors } from "@/lib/http/errors";
import { int4Id } from "@/lib/http/params";
import { FailedWriteFiltersSchema } from "@/lib/replay/failed-write-filters";
import { getPrisma } from "@/lib/store/prisma";
import { PREVIEW_DEFAULT_LIMIT, PREVIEW_MAX_LIMIT, previewReplay } from "@/lib/replay/preview-replay";

export const dynamic = "force-dynamic";

const PreviewReplaySchema = z
  .object({
    ids: z.array(int4Id).min(1).max(100_000).optional(),
    filter: FailedWriteFiltersSchema.optional(),
    /** How many writes to read from the targets at most; the answer says when the selection is larger. */
    limit: z.number().int().min(1).max(PREVIEW_MAX_LIMIT).default(PREVIEW_DEFAULT_LIMIT),
  })
  .refine((b) => !!b.ids !== !!b.filter, { message: "send either ids or filter", path: ["ids"] });

/**
 * A dry run of POST /api/replays with the same selection: what each write would end as, read from
 * the targets without writing (PostgreSQL in a READ ONLY transaction). An operator's tool, as the
 * replay is: it reads the targets with the source's credentials.
 */
export const POST = withErrors(async (req: NextRequest) => {
  await requireActor(req, "operator");
  const body = await readJsonBody(req, PreviewReplaySchema, 2_000_000);
  return NextResponse.json(await previewReplay(getPrisma(), body.ids ? { ids: body.ids } : { filter: body.filter! }, { limit: body.limit }));
});
