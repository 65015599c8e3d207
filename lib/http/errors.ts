import "server-only";
import { NextResponse } from "next/server";
import { z } from "zod";

/** One shape for every API error: `{ error: { code, message, issues? } }`. */
export function apiError(status: number, code: string, message: string, issues?: unknown) {
  return NextResponse.json({ error: { code, message, ...(issues ? { issues } : {}) } }, { status });
}

export function parseSearchParams<T extends z.ZodType>(schema: T, params: URLSearchParams) {
  const parsed = schema.safeParse(Object.fromEntries(params));
  if (parsed.success) return { ok: true as const, data: parsed.data as z.infer<T> };
  const first = parsed.error.issues[0];
  const name = first?.path.join(".") || "query";
  return {
    ok: false as const,
    response: apiError(400, "bad_request", `invalid query parameter "${name}": ${first?.message}`, parsed.error.issues),
  };
}

/** Wraps a handler so an unexpected failure is a JSON 500 with a message, logged once. */
export function withErrors<A extends unknown[]>(handler: (...args: A) => Promise<Response>) {
  return async (...args: A): Promise<Response> => {
    try {
      return await handler(...args);
    } catch (err) {
      console.error("[lockboard] request failed:", err);
      return apiError(503, "store_unavailable", "the dashboard's store did not answer; retry shortly");
    }
  };
}
