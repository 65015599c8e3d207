import "server-only";
import { NextResponse } from "next/server";
import { z } from "zod";
import { maskSecretsIn } from "../sources/secret-box";

/** One shape for every API error: `{ error: { code, message, issues? } }`. */
export function apiError(status: number, code: string, message: string, issues?: unknown) {
  return NextResponse.json({ error: { code, message, ...(issues ? { issues } : {}) } }, { status });
}

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
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new HttpError(413, "too_large", `request body is ${declared} bytes; the limit is ${maxBytes}${named}`);
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new HttpError(413, "too_large", `request body is over the limit of ${maxBytes} bytes${named}`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export const readBodyText = async (req: Request, maxBytes: number) => (await readBodyBytes(req, maxBytes)).toString("utf8");

/** Wraps a handler so an unexpected failure is a JSON 503 with a message, logged once. */
export function withErrors<A extends unknown[]>(handler: (...args: A) => Promise<Response>) {
  return async (...args: A): Promise<Response> => {
    try {
      return await handler(...args);
    } catch (err) {
      if (err instanceof HttpError) {
        const res = apiError(err.status, err.code, err.message);
        for (const [k, v] of Object.entries(err.headers)) res.headers.set(k, v);
        return res;
      }
      // Driver errors can echo a connection string: mask passwords before anything reaches the log.
      const text = err instanceof Error ? `${err.message}\n${err.stack ?? ""}` : String(err);
      console.error("[lockboard] request failed:", maskSecretsIn(text));
      return apiError(503, "store_unavailable", "the dashboard's store did not answer; retry shortly");
    }
  };
}
