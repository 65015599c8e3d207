// What kind of failure an error is, from the codes PostgreSQL (SQLSTATE), MongoDB (server codes
// and error labels) and Node's sockets report, and whether retrying it can help.
// SQLSTATEs: https://www.postgresql.org/docs/current/errcodes-appendix.html
// MongoDB codes: https://github.com/mongodb/mongo/blob/master/src/mongo/base/error_codes.yml

export const ERROR_KINDS = ["duplicate_key", "resource_busy", "lock_timeout", "deadlock", "serialization", "connection", "timeout", "other"] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

const RULES: [ErrorKind, RegExp][] = [
  ["duplicate_key", /\bE11000\b|\b23505\b|\b11000\b|duplicate key/i],
  ["deadlock", /\b40P01\b|deadlock/i],
  ["serialization", /\b40001\b|could not serialize|WriteConflict|\b112\b/i],
  ["lock_timeout", /\b55P03\b|lock timeout|lock_timeout|could not obtain lock|waiting for (a |the )?lock|LockTimeout|\b24\b.*lock/i],
  ["resource_busy", /resource busy|\bEBUSY\b|\b429\b|too many requests/i],
  [
    "connection",
    /ECONNREFUSED|ECONNRESET|EPIPE|EHOSTUNREACH|ENOTFOUND|EMFILE|\b53300\b|too many (clients|connections)|\b57P0[123]\b|\b08\d{3}\b|connection (refused|reset|terminated|closed)|server selection|MongoNetworkError|not reachable/i,
  ],
  ["timeout", /\b57014\b|statement timeout|ETIMEDOUT|timed out|MaxTimeMSExpired|\b50\b.*time/i],
];

export function classifyErrorKind(text: string): ErrorKind {
  for (const [kind, re] of RULES) if (re.test(text)) return kind;
  return "other";
}

const TRANSIENT_SQLSTATES = new Set(["40001", "40P01", "55P03", "53300", "53400", "57P01", "57P02", "57P03", "57014", "55006"]);
// ShutdownInProgress, HostUnreachable, HostNotFound, NetworkTimeout, SocketException, PrimarySteppedDown,
// NotWritablePrimary, NotPrimaryNoSecondaryOk, InterruptedDueToReplStateChange, WriteConflict, ExceededTimeLimit, LockTimeout.
const TRANSIENT_MONGO_CODES = new Set([91, 6, 7, 89, 9001, 189, 10107, 13435, 11602, 11600, 112, 262, 24, 50, 46]);
const TRANSIENT_NODE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "EAI_AGAIN", "EMFILE", "EBUSY"]);

/** Retrying can succeed: lock/busy/deadlock/serialization failures and lost or refused connections. */
export function isTransientError(err: unknown): boolean {
  const e = err as { code?: unknown; name?: string; message?: string; errorLabelSet?: Set<string>; cause?: unknown };
  if (!e || typeof e !== "object") return false;
  if (typeof e.code === "string" && (TRANSIENT_SQLSTATES.has(e.code) || e.code.startsWith("08") || TRANSIENT_NODE_CODES.has(e.code))) return true;
  if (typeof e.code === "number" && TRANSIENT_MONGO_CODES.has(e.code)) return true;
  if (e.errorLabelSet?.has("RetryableWriteError") || e.errorLabelSet?.has("TransientTransactionError")) return true;
  if (e.name && /MongoNetwork|MongoServerSelection|MongoNetworkTimeout|MongoPoolClosed/.test(e.name)) return true;
  if (/Connection terminated|connection timeout|timeout exceeded when trying to connect|resource busy|too many/i.test(e.message ?? "")) return true;
  if (e.cause) return isTransientError(e.cause);
  // AggregateError from a refused dual-stack connect carries the codes on its parts.
  if (Array.isArray((e as { errors?: unknown[] }).errors)) return (e as { errors: unknown[] }).errors.some(isTransientError);
  return false;
}

export function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const msg =
      err.message || (Array.isArray((err as { errors?: unknown[] }).errors) ? String((err as unknown as { errors: Error[] }).errors[0]?.message) : err.name);
    return code !== undefined && !msg.includes(String(code)) ? `${msg} (code ${String(code)})` : msg;
  }
  return String(err);
}
