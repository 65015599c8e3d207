import { NextResponse, type NextRequest } from "next/server";
import { verifyApiToken } from "@/lib/auth/api-tokens";
import { readBodyText, withErrors } from "@/lib/http/errors";
import { importFailedWritesNdjson } from "@/lib/replay/capture-failed-writes";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

/** NDJSON body, one failed write per line; malformed lines are reported by number and kept. */
export const POST = withErrors(async (req: NextRequest) => {
  const prisma = getPrisma();
  await verifyApiToken(prisma, req, "failed-writes");
  const result = await importFailedWritesNdjson(prisma, await readBodyText(req, 50_000_000));
  return NextResponse.json(result);
});
