import { NextResponse, type NextRequest } from "next/server";
import { verifyApiToken } from "@/lib/auth/api-tokens";
import { requireActor } from "@/lib/auth/require-actor";
import { assertTokenMaySources, failedWriteSources } from "@/lib/auth/token-sources";
import { HttpError, parseSearchParams, readBodyText, withErrors } from "@/lib/http/errors";
import { captureFailedWriteBody, failedWriteBodyItems } from "@/lib/replay/capture-failed-writes";
import { listFailedWrites, ListFailedWritesQuerySchema } from "@/lib/replay/list-failed-writes";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

export const GET = withErrors(async (req: NextRequest) => {
  await requireActor(req, "viewer");
  const parsed = parseSearchParams(ListFailedWritesQuerySchema, req.nextUrl.searchParams);
  if (!parsed.ok) return parsed.response;
  return NextResponse.json(await listFailedWrites(getPrisma(), parsed.data));
});

/** An app hands over one failed write (a 400 if bad), or `{ "writes": [ … ] }` (bad ones counted and kept, the rest stored). */
export const POST = withErrors(async (req: NextRequest) => {
  const prisma = getPrisma();
  const token = await verifyApiToken(prisma, req, "failed-writes");
  const text = await readBodyText(req, 5_000_000);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, "bad_json", `request body is not valid JSON: ${(err as Error).message}`);
  }
  // A write outside the token's binding refuses the whole body, before anything is stored.
  await assertTokenMaySources(prisma, token, failedWriteSources(failedWriteBodyItems(body).items));
  const result = await captureFailedWriteBody(prisma, body, "api");
  return NextResponse.json(result, { status: result.created > 0 ? 201 : 200 });
});
