/**
 * An API answer that was not a success, as the server shaped it (`{ error: { code, message, id? } }`),
 * with the status: a page tells "not found" from "forbidden" from "store down" by `status`.
 * `status` 0 is a request that got no answer at all (server down, network gone).
 */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The server log's id of a 500. */
    readonly id?: string,
    /** Seconds the server asked to wait (503, 429). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

const retryAfterOf = (res: Response) => {
  const s = Number(res.headers.get("retry-after"));
  return Number.isFinite(s) && s > 0 ? s : undefined;
};

/** fetch + JSON; an error answer becomes an ApiError. `init.signal` (TanStack Query's) cancels it. */
export async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { cache: "no-store", ...init });
  } catch (err) {
    if (init?.signal?.aborted) throw err;
    throw new ApiError(0, "unreachable", `the dashboard server did not answer (${(err as Error).message})`);
  }
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const e = body?.error;
    throw new ApiError(
      res.status,
      typeof e?.code === "string" ? e.code : "http_error",
      typeof e?.message === "string" ? e.message : `${res.status} ${res.statusText}`,
      typeof e?.id === "string" ? e.id : undefined,
      retryAfterOf(res),
    );
  }
  return body as T;
}

/** A query string of the filters that are set, in the order given. */
export function searchOf(filters: Record<string, string | undefined>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v) params.set(k, v);
  return params;
}

/** The paging options of a list the API pages by `nextCursor` (spread into useInfiniteQuery). */
export const cursorPaging = {
  initialPageParam: null as string | null,
  getNextPageParam: (last: { nextCursor: string | null }) => last.nextCursor,
};

/** A JSON POST (mutations, so no signal: an action once sent is not taken back by leaving the page). */
export const postJson = <T>(url: string, body: unknown) =>
  fetchJson<T>(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/** A 4xx says the request itself is wrong or refused: asking again gets the same answer. */
export const isClientError = (err: unknown) => err instanceof ApiError && err.status >= 400 && err.status < 500;

/** TanStack Query's `retry`: once, never for a 4xx. */
export const retryUnlessClientError = (failureCount: number, err: unknown) => !isClientError(err) && failureCount < 1;

/** How long before asking again: what the server said (Retry-After), else TanStack's own backoff. */
export const retryDelayOf = (attempt: number, err: unknown) =>
  err instanceof ApiError && err.retryAfter ? err.retryAfter * 1000 : Math.min(1000 * 2 ** attempt, 30_000);

/**
 * While the store is down (503) a query asks again every Retry-After seconds even if its page set
 * no refresh interval, so the page recovers by itself, as its message says.
 */
export const refetchWhileStoreDown = (err: unknown): number | false => (err instanceof ApiError && err.status === 503 ? (err.retryAfter ?? 5) * 1000 : false);

/** The same in one line, for a place too small for a notice. */
export function errorLine(err: Error): string {
  const { title, detail } = describeError(err);
  return detail && detail !== title ? `${title}: ${detail}` : title;
}

/** What an operator reads for an error: a title by kind of failure, and the server's own words. */
export function describeError(err: Error): { title: string; detail: string } {
  if (!(err instanceof ApiError)) return { title: "Something went wrong", detail: err.message };
  const { status, message } = err;
  if (status === 0) return { title: "The dashboard server is not answering", detail: message };
  if (status === 503) return { title: `The dashboard's store is unreachable; retrying every ${err.retryAfter ?? 5} s`, detail: message };
  if (status === 401) return { title: "Your session has ended: sign in again", detail: message };
  // A 403 is the role (forbidden) or a rule of the target (out of scope, missing grants): say which.
  if (status === 403) return { title: err.code === "forbidden" ? "Not allowed for your role" : "Refused", detail: message };
  if (status === 404) return { title: "Not found", detail: message };
  if (status === 429) return { title: `Too many requests${err.retryAfter ? `: wait ${err.retryAfter} s` : ""}`, detail: message };
  if (status >= 500) return { title: "The server failed on this request", detail: message };
  return { title: "The request was refused", detail: message };
}
