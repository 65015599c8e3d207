import "server-only";
import { randomBytes } from "node:crypto";
import { NextResponse } from "next/server";
import { z } from "zod";
import { readCapped } from "./read-capped";
import { maskSecretsIn } from "../sources/secret-box";
import { findUnstorableString } from "./params";
import { storeUnavailableReason } from "./store-errors";

/** One shape for every API error: `{ error: { code, message, issues?, id? } }`. */
export function apiError(status: number, code: string, message: string, issues?: unknown) {
  return NextResponse.json({ error: { code, message, ...(issues ? { issues } : {}) } }, { status });
}

/** Seconds a client is told to wait when the store did not answer. */
export const STORE_RETRY_AFTER_SECONDS = 5;

export function parseSearchParams<T extends z.ZodType>(schema: T, params: URLSearchParams) {
  const parsed = schema.safeParse(Object.fromEntries(params));
  if (parsed.success) return { ok: true as const, data: parsed.data as z.infer<T> };
  const first = parsed.error.issues[0];
  // An unknown parameter (strict schemas) is named too, not reported as "query".
  const unknown = first?.code === "unrecognized_keys" ? first.keys[0] : undefined;
  const name = unknown ?? (first?.path.join(".") || "query");
  return {
    ok: false as const,
    response: apiError(400, "bad_request", `invalid query parameter "${name}": ${first?.message}`, parsed.error.issues),
  };
}

/** A user-facing failure with its HTTP status; `withErrors` turns it into the JSON error shape. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * Reads a JSON body no larger than `maxBytes` and validates it: 413 when too large, 400 naming
 * the first bad field otherwise.
 */
export async function readJsonBody<T extends z.ZodType>(req: Request, schema: T, maxBytes = 1_000_000): Promise<z.infer<T>> {
  const text = await readBodyText(req, maxBytes);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, "bad_json", `request body is not valid JSON: ${(err as Error).message}`);
  }
  // PostgreSQL refuses NUL in text and json; no field of any body may carry one to the store.
  const bad = findUnstorableString(json);
  if (bad) throw new HttpError(400, "bad_request", `invalid field "${bad.path}": ${bad.problem}`);
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const name = first?.path.join(".") || "body";
    throw new HttpError(400, "bad_request", `invalid field "${name}": ${first?.message}`);
  }
  return parsed.data;
}

/** The raw body, refusing (413) as soon as it passes `maxBytes` rather than after buffering it all. */
export async function readBodyBytes(req: Request, maxBytes: number, limitName = ""): Promise<Buffer> {
  const named = limitName ? ` (${limitName})` : "";
  return readCapped(req.body, req.headers.get("content-length"), maxBytes, (declared) =>
    declared === null
      ? new HttpError(413, "too_large", `request body is over the limit of ${maxBytes} bytes${named}`)
      : new HttpError(413, "too_large", `request body is ${declared} bytes; the limit is ${maxBytes}${named}`),
  );
}

export const readBodyText = async (req: Request, maxBytes: number) => (await readBodyBytes(req, maxBytes)).toString("utf8");

/** The 400 of a zod failure, naming the first bad parameter (`kind`: "query parameter", "field", …). */
export function badRequestFrom(error: z.ZodError, kind: string): HttpError {
  const first = error.issues[0];
  const name = (first?.code === "unrecognized_keys" ? first.keys[0] : undefined) ?? (first?.path.join(".") || "input");
  return new HttpError(400, "bad_request", `invalid ${kind} "${name}": ${first?.message}`);
}

// Next's own control flow (notFound, redirect, dynamic usage) travels as errors with a digest.
const isNextControlFlow = (err: unknown) =>
  typeof (err as { digest?: unknown })?.digest === "string" && /^(NEXT_|DYNAMIC_SERVER_USAGE)/.test((err as { digest: string }).digest);

/**
 * The one error map of every route: a deliberate HttpError keeps its status; a zod failure is a
 * 400 naming the parameter; the store not answering is a 503 with Retry-After; anything else is
 * a bug: a 500 whose body carries only an error id, the id and the stack (secrets masked) going
 * to the server log.
 */
export function errorResponse(err: unknown, req?: Request): Response {
  if (err instanceof HttpError) {
    const res = apiError(err.status, err.code, err.message);
    for (const [k, v] of Object.entries(err.headers)) res.headers.set(k, v);
    return res;
  }
  if (err instanceof z.ZodError) return errorResponse(badRequestFrom(err, "input"));
  const where = req ? `${req.method} ${new URL(req.url).pathname}` : "request";
  const unavailable = storeUnavailableReason(err);
  if (unavailable) {
    console.error(maskSecretsIn(`[lockboard] ${where}: store unavailable (${unavailable}): ${gist(err)}`));
    const res = apiError(503, "store_unavailable", `the dashboard's store did not answer (${unavailable}); retry in a few seconds`);
    res.headers.set("retry-after", String(STORE_RETRY_AFTER_SECONDS));
    return res;
  }
  const id = logServerError(err, where);
  return NextResponse.json(
    { error: { code: "internal_error", message: `an unexpected error occurred; the server log has its details under error id ${id}`, id } },
    { status: 500, headers: { "x-lockboard-error-id": id } },
  );
}

/** Writes an unexpected error, with its stack, to the server log under a new id, and returns the id (the one thing an answer may show). */
export function logServerError(err: unknown, where = "request"): string {
  const id = randomBytes(6).toString("base64url");
  console.error(maskSecretsIn(`[lockboard] error ${id} in ${where}: ${describeFailure(err)}`));
  return id;
}

// Driver messages end with what the server said; the lines before are Prisma's call site.
const gist = (err: unknown) => (err instanceof Error ? err.message : String(err)).trim().split("\n").filter(Boolean).pop() ?? "";

// The stack, then each cause's: a wrapped driver error keeps the original's story.
function describeFailure(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    parts.push(e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e));
  }
  return parts.join("\ncaused by: ");
}

/** Wraps a handler in the error map (`errorResponse`): no exception leaves a route unanswered. */
export function withErrors<A extends unknown[]>(handler: (...args: A) => Promise<Response>) {
  return async (...args: A): Promise<Response> => {
    try {
      return await handler(...args);
    } catch (err) {
      if (isNextControlFlow(err)) throw err;
      return errorResponse(err, args[0] instanceof Request ? args[0] : undefined);
    }
  };
}
