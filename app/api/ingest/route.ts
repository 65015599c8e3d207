import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { verifyApiToken } from "@/lib/auth/api-tokens";
import { assertTokenMaySources } from "@/lib/auth/token-sources";
import { HttpError, parseSearchParams, withErrors } from "@/lib/http/errors";
import { ingestNdjson, PushError } from "@/lib/ingest/push-ingest";
import { readPushBody } from "@/lib/ingest/read-push-body";
import { isSourceName, SOURCE_NAME_RULE, SourceNameSchema } from "@/lib/sources/source-name";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

const QuerySchema = z.object({ source: SourceNameSchema.default("http-push") });

/** NDJSON log push (Vector `http` sink, Fluent Bit `http` output with json_lines, curl). */
export const POST = withErrors(async (req: NextRequest) => {
  const prisma = getPrisma();
  const token = await verifyApiToken(prisma, req, "ingest");
  const q = parseSearchParams(QuerySchema, req.nextUrl.searchParams);
  if (!q.ok) return q.response;
  const type = (req.headers.get("content-type") ?? "application/x-ndjson").split(";")[0].trim().toLowerCase();
  if (!/^(application\/(x-ndjson|ndjson|json|jsonl|x-jsonlines)|text\/plain)$/.test(type)) {
    throw new HttpError(
      415,
      "unsupported_media_type",
      `content-type "${type}" is not supported: send application/x-ndjson (one JSON object per line) or a JSON array`,
    );
  }
  const source = req.headers.get("x-lockboard-source") ?? q.data.source;
  if (!isSourceName(source)) throw new HttpError(400, "bad_request", `invalid source name "${source.slice(0, 80)}": ${SOURCE_NAME_RULE}`);
  await assertTokenMaySources(prisma, token, [source]);
  const body = await readPushBody(req);
  try {
    return NextResponse.json(await ingestNdjson(prisma, source, body));
  } catch (err) {
    if (err instanceof PushError) throw new HttpError(400, "bad_request", err.message);
    throw err;
  }
});
