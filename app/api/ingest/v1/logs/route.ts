import { NextResponse, type NextRequest } from "next/server";
import { verifyApiToken } from "@/lib/auth/api-tokens";
import { assertTokenMaySources, otlpSourceNames } from "@/lib/auth/token-sources";
import { HttpError, withErrors } from "@/lib/http/errors";
import { ingestOtlpLogs, PushError } from "@/lib/ingest/push-ingest";
import { readPushBody } from "@/lib/ingest/read-push-body";
import { isSourceName, SOURCE_NAME_RULE } from "@/lib/sources/source-name";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

/**
 * OTLP/HTTP logs, JSON encoding: point an OpenTelemetry Collector `otlphttp` exporter (encoding:
 * json) at `http://HOST/api/ingest`. Answers with OTLP's partial-success body.
 */
export const POST = withErrors(async (req: NextRequest) => {
  const prisma = getPrisma();
  const token = await verifyApiToken(prisma, req, "ingest");
  const type = (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json") {
    throw new HttpError(
      415,
      "unsupported_media_type",
      `content-type "${type || "none"}" is not supported: send OTLP/HTTP JSON (application/json; set encoding: json on the exporter)`,
    );
  }
  const body = await readPushBody(req);
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch (err) {
    throw new HttpError(400, "bad_json", `request body is not valid JSON: ${(err as Error).message}`);
  }
  const source = req.nextUrl.searchParams.get("source");
  if (source !== null && !isSourceName(source)) throw new HttpError(400, "bad_request", `invalid query parameter "source": ${SOURCE_NAME_RULE}`);
  await assertTokenMaySources(prisma, token, otlpSourceNames(json, source));
  try {
    const res = await ingestOtlpLogs(prisma, source, json);
    const partial = res.rejected > 0 ? { partialSuccess: { rejectedLogRecords: res.rejected, errorMessage: res.errors.join("; ") } } : {};
    return NextResponse.json({
      ...partial,
      accepted: res.accepted,
      unparsed: res.unparsed,
      inserted: res.inserted,
      duplicates: res.duplicates,
      sources: res.bySource,
    });
  } catch (err) {
    if (err instanceof PushError) throw new HttpError(400, "bad_request", err.message);
    throw err;
  }
});
