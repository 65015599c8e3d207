import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { verifyApiToken } from "@/lib/auth/api-tokens";
import { HttpError, parseSearchParams, withErrors } from "@/lib/http/errors";
import { ingestNdjson, PushError } from "@/lib/ingest/push-ingest";
import { readPushBody } from "@/lib/ingest/read-push-body";
import { getPrisma } from "@/lib/store/prisma";

export const dynamic = "force-dynamic";

const QuerySchema = z.object({ source: z.string().trim().min(1).max(80).regex(/^[\w.:@-]+$/, "letters, digits and . _ : @ - only").default("http-push") });

/** NDJSON log push (Vector `http` sink, Fluent Bit `http` output with json_lines, curl). */
export const POST = withErrors(async (req: NextRequest) => {
  const prisma = getPrisma();
  await verifyApiToken(prisma, req, "ingest");
  const q = parseSearchParams(QuerySchema, req.nextUrl.searchParams);
  if (!q.ok) return q.response;
  const type = (req.headers.get("content-type") ?? "application/x-ndjson").split(";")[0].trim().toLowerCase();
  if (!/^(application\/(x-ndjson|ndjson|json|jsonl|x-jsonlines)|text\/plain)$/.test(type)) {
    throw new HttpError(415, "unsupported_media_type", `content-type "${type}" is not supported: send application/x-ndjson (one JSON object per line) or a JSON array`);
  }
  const source = req.headers.get("x-lockboard-source") ?? q.data.source;
  if (!/^[\w.:@-]{1,80}$/.test(source)) throw new HttpError(400, "bad_request", `invalid source name "${source.slice(0, 80)}": letters, digits and . _ : @ - only`);
  const body = await readPushBody(req);
  try {
    return NextResponse.json(await ingestNdjson(prisma, source, body));
  } catch (err) {
    if (err instanceof PushError) throw new HttpError(400, "bad_request", err.message);
    throw err;
  }
});
