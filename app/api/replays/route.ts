import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { requireActor } from "@/lib/auth/require-actor";
import { parseSearchParams, readJsonBody, withErrors } from "@/lib/http/errors";
import { int4Id } from "@/lib/http/params";
import { FailedWriteFiltersSchema } from "@/lib/replay/failed-write-filters";
import { listReplayRuns, ListReplayRunsQuerySchema } from "@/lib/replay/list-replay-runs";
import { ReplayReasonSchema } from "@/lib/replay/replay-reason";
import { createReplayRun, runReplay } from "@/lib/replay/replay-run";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

const CreateReplaySchema = z
  .object({
    ids: z.array(int4Id).min(1).max(100_000).optional(),
    filter: FailedWriteFiltersSchema.optional(),
    /** The count the operator saw when confirming, echoed back beside the frozen total. */
    expectedCount: z.number().int().min(0).optional(),
    batchSize: z.number().int().min(1).max(1000).default(200),
    ratePerSec: z.number().int().min(0).max(100_000).default(500),
    /** Required: why, kept on the run and in its audit rows. */
    reason: ReplayReasonSchema,
  })
  .refine((b) => !!b.ids !== !!b.filter, { message: "send either ids or filter", path: ["ids"] });

/** The latest runs: who started each, from where, why, and how it ended. */
export const GET = withErrors(async (req: NextRequest) => {
  await requireActor(req, "viewer");
  const parsed = parseSearchParams(ListReplayRunsQuerySchema, req.nextUrl.searchParams);
  if (!parsed.ok) return parsed.response;
  return NextResponse.json({ items: await listReplayRuns(getPrisma(), parsed.data) });
});

/** Freezes the selection now and works through it in the background; poll GET /api/replays/:id. */
export const POST = withErrors(async (req: NextRequest) => {
  const actor = await requireActor(req, "operator");
  const body = await readJsonBody(req, CreateReplaySchema, 2_000_000);
  const prisma = getPrisma();
  const run = await createReplayRun(prisma, {
    actor: actor.name,
    origin: "dashboard",
    reason: body.reason,
    selection: body.ids ? { ids: body.ids } : { filter: body.filter! },
    batchSize: body.batchSize,
    ratePerSec: body.ratePerSec,
  });
  void runReplay(prisma, run.id).catch((err) => console.error(`[lockboard] replay run ${run.id} failed:`, err));
  return NextResponse.json({ run: { id: run.id, total: run.total, expectedCount: body.expectedCount ?? null } }, { status: 202 });
});
