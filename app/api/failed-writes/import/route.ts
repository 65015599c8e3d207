import { NextResponse, type NextRequest } from "next/server";
import { verifyApiToken } from "@/lib/auth/api-tokens";
import { assertTokenMaySources, ndjsonFailedWriteSources } from "@/lib/auth/token-sources";
import { withErrors } from "@/lib/http/errors";
import { readWholeBody } from "@/lib/ingest/read-push-body";
import { importFailedWritesNdjson } from "@/lib/replay/capture-failed-writes";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

/** Largest import: it arrives whole or is refused with 413 (next.config.ts keeps the proxy's buffer above it). */
const MAX_IMPORT_BYTES = 50_000_000;

/** NDJSON body, one failed write per line; malformed lines are reported by number and kept. */
export const POST = withErrors(async (req: NextRequest) => {
  const prisma = getPrisma();
  const token = await verifyApiToken(prisma, req, "failed-writes");
  const text = (await readWholeBody(req, MAX_IMPORT_BYTES)).toString("utf8");
  await assertTokenMaySources(prisma, token, () => ndjsonFailedWriteSources(text));
  const result = await importFailedWritesNdjson(prisma, `token:${token.name}`, text);
  return NextResponse.json(result);
});
