/**
 * Which failures mean "the store did not answer" (worth retrying: 503 with Retry-After) as
 * opposed to a deterministic failure (a bug: 500). Recognised by code or class, never by guessing
 * from words, the way Prisma 7 with @prisma/adapter-pg and node-postgres actually surface them:
 * - Prisma: a PrismaClientKnownRequestError whose code is a connection one (P1001 can't reach,
 *   P1002/P1008 timed out, P1017 connection closed, P2024 pool timeout, P2037 too many clients),
 *   or P2010/P2039 carrying the driver adapter's cause (its `kind`, or PostgreSQL's `originalCode`);
 *   P2028 only for "unable to start a transaction in the given time" (the pool is busy).
 * - node-postgres DatabaseError: SQLSTATE 57P01/57P02/57P03 (shutdown, starting up), 53300
 *   (too many clients) and class 08 (connection exceptions).
 * - Node socket errors: ECONNREFUSED, ECONNRESET, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH, EAI_AGAIN.
 * - pg and pg-pool's own uncoded errors, by their exact message (they carry no code): the pool's
 *   "timeout exceeded when trying to connect", a connect timeout, a server that went away.
 */
const PRISMA_CODES: Record<string, string> = {
  P1001: "the store's server cannot be reached",
  P1002: "the store's server timed out",
  P1008: "the store's server timed out",
  P1017: "the store's server closed the connection",
  P2024: "no store connection became free in time",
  P2037: "the store has too many clients",
};
const ADAPTER_KINDS: Record<string, string> = {
  DatabaseNotReachable: PRISMA_CODES.P1001!,
  SocketTimeout: PRISMA_CODES.P1008!,
  ConnectionClosed: PRISMA_CODES.P1017!,
  TooManyConnections: PRISMA_CODES.P2037!,
};
const SQLSTATES: Record<string, string> = {
  "57P01": "the store's server is shutting down",
  "57P02": "the store's server is restarting after a crash",
  "57P03": "the store's server is starting up",
  "53300": "the store has too many clients",
  "08000": "the store connection failed",
  "08001": "the store connection could not be established",
  "08003": "the store connection does not exist",
  "08004": "the store's server rejected the connection",
  "08006": "the store connection failed",
};
const SOCKET_CODES: Record<string, string> = {
  ECONNREFUSED: "the store's server refused the connection",
  ECONNRESET: "the store connection was reset",
  ETIMEDOUT: "the store connection timed out",
  EHOSTUNREACH: "the store's host is unreachable",
  ENETUNREACH: "the store's network is unreachable",
  EAI_AGAIN: "the store's host name could not be resolved now",
};
const PG_MESSAGES: Record<string, string> = {
  "timeout exceeded when trying to connect": PRISMA_CODES.P2024!,
  "Connection terminated due to connection timeout": "the store connection timed out",
  "Connection terminated unexpectedly": PRISMA_CODES.P1017!,
  "Query read timeout": "the store did not answer in time",
  "Client has encountered a connection error and is not queryable": "the store connection failed",
};

type Loose = { code?: unknown; message?: unknown; severity?: unknown; meta?: unknown; cause?: unknown; errors?: unknown; name?: unknown };

function ownReason(e: Loose): string | null {
  const code = typeof e.code === "string" ? e.code : "";
  const message = typeof e.message === "string" ? e.message : "";
  if (/^P\d{4}$/.test(code)) {
    if (PRISMA_CODES[code]) return PRISMA_CODES[code];
    if (code === "P2028" && message.includes("Unable to start a transaction in the given time")) return PRISMA_CODES.P2024!;
    const cause = (e.meta as { driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown } } } | undefined)?.driverAdapterError?.cause;
    if (cause && typeof cause.kind === "string" && ADAPTER_KINDS[cause.kind]) return ADAPTER_KINDS[cause.kind]!;
    if (cause && typeof cause.originalCode === "string" && SQLSTATES[cause.originalCode]) return SQLSTATES[cause.originalCode]!;
    return null;
  }
  // node-postgres' DatabaseError: a SQLSTATE and a severity.
  if (typeof e.severity === "string" && SQLSTATES[code]) return SQLSTATES[code]!;
  if (SOCKET_CODES[code]) return SOCKET_CODES[code]!;
  if (e instanceof Error && PG_MESSAGES[message]) return PG_MESSAGES[message]!;
  return null;
}

/**
 * Why the store is unavailable, or null when `err` is not an availability failure. Follows
 * `cause` and AggregateError's `errors` (Node reports each address it tried), a few levels deep.
 */
export function storeUnavailableReason(err: unknown): string | null {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length && seen.size < 20) {
    const e = queue.shift();
    if (!e || typeof e !== "object" || seen.has(e)) continue;
    seen.add(e);
    const reason = ownReason(e as Loose);
    if (reason) return reason;
    queue.push((e as Loose).cause);
    if (Array.isArray((e as Loose).errors)) queue.push(...((e as Loose).errors as unknown[]));
  }
  return null;
}
