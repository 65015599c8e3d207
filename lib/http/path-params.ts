import "server-only";
import { z } from "zod";
import { HttpError } from "./errors";
import { textParam } from "./params";

/** A path segment the store can hold (Next has decoded it): no NUL, well-formed, bounded. */
export const pathTextParam = (max = 200) => textParam(max, { trim: false });

/**
 * A route's path parameters, each checked by its schema: a 400 naming the first bad one
 * (`invalid path parameter "id": …`), so no handler sees an unchecked segment.
 */
export async function readPathParams<S extends Record<string, z.ZodType>>(
  params: Promise<Record<string, string | string[]>> | Record<string, string | string[]>,
  shape: S,
): Promise<{ [K in keyof S]: z.infer<S[K]> }> {
  const raw = await params;
  const out: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(shape)) {
    const parsed = schema.safeParse(raw[name]);
    if (!parsed.success) throw new HttpError(400, "bad_request", `invalid path parameter "${name}": ${parsed.error.issues[0]?.message}`);
    out[name] = parsed.data;
  }
  return out as { [K in keyof S]: z.infer<S[K]> };
}

/** A source's name in a path (names are at most 80 characters). */
export const sourceNameParam = pathTextParam(80);
