import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { parseSearchParams, withErrors } from "@/lib/http/errors";
import { getLockSnapshot } from "@/lib/postgres/get-lock-snapshot";
import { getLockSource, monitorError } from "@/lib/postgres/lock-source";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

const SnapshotQuerySchema = z.object({
  /** At most this many lock rows (never more than LOCKBOARD_LOCK_SNAPSHOT_MAX_LOCKS). */
  limit: z.coerce.number().int().min(1).max(100_000).optional(),
});

export const GET = withErrors(async (req: NextRequest, ctx: { params: Promise<{ source: string }> }) => {
  const parsed = parseSearchParams(SnapshotQuerySchema, req.nextUrl.searchParams);
  if (!parsed.ok) return parsed.response;
  const { source, url } = await getLockSource(getPrisma(), (await ctx.params).source);
  try {
    return NextResponse.json(await getLockSnapshot(source, url, { maxLocks: parsed.data.limit }));
  } catch (err) {
    throw monitorError(err, source.name);
  }
});
