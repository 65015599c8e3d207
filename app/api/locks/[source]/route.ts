import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { requireActor } from "@/lib/auth/require-actor";
import { parseSearchParams, withErrors } from "@/lib/http/errors";
import { isoDateTimeParam } from "@/lib/http/params";
import { readPathParams, sourceNameParam } from "@/lib/http/path-params";
import { getLockSnapshotAt } from "@/lib/postgres/get-lock-snapshot-at";
import { getSharedLockSnapshot } from "@/lib/postgres/shared-snapshot";
import { getLockSource, monitorError } from "@/lib/postgres/lock-source";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

const SnapshotQuerySchema = z.object({
  /** At most this many lock rows (never more than LOCKBOARD_LOCK_SNAPSHOT_MAX_LOCKS). */
  limit: z.coerce.number().int().min(1).max(100_000).optional(),
  /** The picture as sampled at (the last sample at or before) this time, instead of the live one. */
  at: isoDateTimeParam.optional(),
});

export const GET = withErrors(async (req: NextRequest, ctx: { params: Promise<{ source: string }> }) => {
  await requireActor(req, "viewer");
  const parsed = parseSearchParams(SnapshotQuerySchema, req.nextUrl.searchParams);
  if (!parsed.ok) return parsed.response;
  const { source, url } = await getLockSource(getPrisma(), (await readPathParams(ctx.params, { source: sourceNameParam })).source);
  // The past comes from the store only: the monitored server is not asked (it may be the one down).
  if (parsed.data.at)
    return NextResponse.json(await getLockSnapshotAt(getPrisma(), { id: source.id, name: source.name, maskedUrl: source.maskedUrl }, new Date(parsed.data.at)));
  try {
    return NextResponse.json(await getSharedLockSnapshot(source, url, { maxLocks: parsed.data.limit }));
  } catch (err) {
    throw monitorError(err, source.name);
  }
});
