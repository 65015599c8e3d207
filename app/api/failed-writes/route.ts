import { NextResponse, type NextRequest } from "next/server";
import { verifyApiToken } from "@/lib/auth/api-tokens";
import { HttpError, parseSearchParams, readBodyText, withErrors } from "@/lib/http/errors";
import { captureFailedWrites } from "@/lib/replay/capture-failed-writes";
import { listFailedWrites, ListFailedWritesQuerySchema } from "@/lib/replay/list-failed-writes";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

export const GET = withErrors(async (req: NextRequest) => {
  const parsed = parseSearchParams(ListFailedWritesQuerySchema, req.nextUrl.searchParams);
  if (!parsed.ok) return parsed.response;
  return NextResponse.json(await listFailedWrites(getPrisma(), parsed.data));
});

/** An app hands over one failed write, or `{ "writes": [ … ] }`; all are valid or none is stored. */
export const POST = withErrors(async (req: NextRequest) => {
  const prisma = getPrisma();
  await verifyApiToken(prisma, req, "failed-writes");
  const text = await readBodyText(req, 5_000_000);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, "bad_json", `request body is not valid JSON: ${(err as Error).message}`);
  }
  const items = body && typeof body === "object" && !Array.isArray(body) && "writes" in body ? (body as { writes: unknown }).writes : [body];
  if (!Array.isArray(items) || items.length === 0 || items.length > 1000) throw new HttpError(400, "bad_request", `invalid field "writes": send 1 to 1000 writes`);
  const result = await captureFailedWrites(prisma, items, "api");
  return NextResponse.json(result, { status: result.created > 0 ? 201 : 200 });
});
