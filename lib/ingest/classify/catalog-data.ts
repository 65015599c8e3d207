/**
 * The built-in incident kinds. Data only: a kind matches by code (SQLSTATE, MongoDB code, Prisma
 * code, errno name) or by pattern (a regular expression source, tested on the message and error
 * text). LOCKBOARD_CATALOG_FILE adds kinds or replaces these by `kind` (see catalog.ts).
 *
 * Messages are PostgreSQL's own (src/backend/utils/errcodes.txt, storage/lmgr/proc.c,
 * utils/init/postinit.c), MongoDB's (E11000 from the storage layer), Prisma's error reference
 * (P2002, P2024), Node's/Python's errno texts, and the pools' and engines' own words at their
 * limits (HikariCP, the MongoDB drivers, Rails, knex, psycopg_pool, PgBouncer, RocksDB).
 */
export type CatalogEntrySpec = {
  kind: string;
  title: string;
  family: "duplicate" | "lock" | "exhaustion" | "fallout" | "other";
  codes?: string[];
  pattern?: string;
  flags?: string;
  /** Informational kinds are kept and searchable but open no incident. */
  opensIncident?: boolean;
  /**
   * Record severities the pattern is tested on (codes always apply). Default: every level, since
   * apps and old mongod log known errors at info. On PostgreSQL's own informational lines (LOG,
   * whose text may quote a statement) patterns are tested at the start of the message only.
   */
  levels?: ("debug" | "info" | "warning" | "error" | "critical")[];
  /** Record formats the pattern is tested on, by family (`pg`, `mongodb`, `app`, `otlp`). Default: all. */
  formats?: string[];
};

export const BUILTIN_CATALOG: CatalogEntrySpec[] = [
  {
    kind: "duplicate_key",
    title: "Duplicate key",
    family: "duplicate",
    codes: ["23505", "11000", "11001", "P2002", "DuplicateKey"],
    pattern: String.raw`duplicate key value violates unique constraint|could not create unique index "|E11000 duplicate key error|Unique constraint failed on the|SQLITE_CONSTRAINT_UNIQUE|UNIQUE constraint failed`,
  },
  {
    kind: "deadlock",
    title: "Deadlock",
    family: "lock",
    codes: ["40P01"],
    pattern: String.raw`\bdeadlock detected|\bDeadlock found when trying to get lock`,
  },
  {
    kind: "serialization_failure",
    title: "Serialization failure",
    family: "lock",
    codes: ["40001", "WriteConflict"],
    pattern: String.raw`could not serialize access|WriteConflict|Write conflict during plan execution`,
  },
  {
    kind: "lock_timeout",
    title: "Lock timeout",
    family: "lock",
    codes: ["55P03", "LockTimeout"],
    // Also an application's own words when its lock (an advisory lock it polls for, a Redis or
    // row lock it retries) was not had in time, and MySQL's, as an application relays it.
    pattern: String.raw`canceling statement due to lock timeout|could not obtain lock on|Unable to acquire (?:IX |IS |X |S )?lock|LockTimeout|\b(?:[Cc]ould not|[Cc]ouldn't|[Ff]ailed to|[Uu]nable to|[Cc]annot) (?:acquire|obtain|get|take) (?:the |an? )?(?:advisory |distributed |row |table )?lock\b|\b[Tt]imed out (?:waiting for|acquiring) (?:the |an? )?(?:advisory )?lock\b|Lock wait timeout exceeded|\b[Ll]ock wait (?:exceeded|timed out)\b|\bpg_(?:try_)?advisory(?:_xact)?_lock\b.{0,60}?\b(?:timed out|timeout|exceeded|gave up|giving up)\b`,
  },
  {
    // A conflict with WAL replay on a standby: 40001 or 40P01 (shared with the two above, which the
    // text tells apart) or 57P04, with a DETAIL naming the conflict (`User was holding …`).
    kind: "recovery_conflict",
    title: "Query canceled by recovery conflict",
    family: "lock",
    codes: ["57P04", "40001", "40P01"],
    pattern: String.raw`\bcanceling statement due to conflict with recovery|\bterminating connection due to conflict with recovery`,
  },
  {
    // log_lock_waits reports: still waiting; the check that found a deadlock (the ERROR that
    // follows is the deadlock itself, counted once); a deadlock avoided by reordering the queue.
    kind: "lock_wait",
    title: "Lock wait",
    family: "lock",
    pattern: String.raw`\bprocess \d+ (?:still waiting for|detected deadlock while waiting for|avoided deadlock for) \w+ on `,
  },
  {
    kind: "lock_acquired",
    title: "Lock acquired after waiting",
    family: "lock",
    pattern: String.raw`\bprocess \d+ acquired \w+ on .*? after [\d.]+ ms`,
    opensIncident: false,
  },
  {
    // VACUUM/ANALYZE (autovacuum at LOG, SKIP_LOCKED at WARNING) gave up on a table someone held
    // locked: 55P03 like a lock timeout, but no statement failed.
    kind: "lock_not_available",
    title: "Vacuum skipped: lock not available",
    family: "lock",
    codes: ["55P03"],
    pattern: String.raw`\bskipping (?:vacuum|analyze) of "[^"]*" --- lock not available`,
  },
  {
    kind: "statement_timeout",
    title: "Statement timeout",
    family: "lock",
    codes: ["MaxTimeMSExpired"],
    pattern: String.raw`canceling statement due to statement timeout|Query read timeout|operation exceeded time limit|MaxTimeMSExpired`,
  },
  {
    kind: "storage_busy",
    title: "Storage engine busy",
    family: "lock",
    codes: ["SQLITE_BUSY", "EBUSY"],
    pattern: String.raw`Resource busy|SQLITE_BUSY|database is locked|EBUSY|While lock file: \S+: Resource temporarily unavailable|lock hold by current process`,
  },
  {
    kind: "http_429",
    title: "HTTP 429 Too Many Requests",
    family: "lock",
    pattern: String.raw`\b429 Too Many Requests|\bstatus(?:Code|_code)?["']?\s*[=:]\s*429\b|\bHTTP/\d(?:\.\d)? 429\b|" 429 \d`,
    formats: ["app", "otlp"],
  },
  {
    kind: "too_many_connections",
    title: "Too many connections",
    family: "exhaustion",
    codes: ["53300"],
    pattern: String.raw`sorry, too many clients already|remaining connection slots are reserved|too many connections for (?:role|database)|Too many connections|too many open connections|connection pool exhausted|no more connections allowed \(max_(?:client|db|user)_conn(?:ections)?\)`,
  },
  {
    kind: "fd_exhaustion",
    title: "Too many open files",
    family: "exhaustion",
    codes: ["EMFILE", "ENFILE"],
    pattern: String.raw`EMFILE|ENFILE|\[Errno 24\]|[Tt]oo many open files`,
  },
  {
    kind: "pool_timeout",
    title: "Connection pool timeout",
    family: "exhaustion",
    codes: ["P2024"],
    // A client's pool says these, never the database server: PostgreSQL's lines are not scanned for them.
    formats: ["app", "otlp", "syslog", "mongodb"],
    pattern: String.raw`timeout exceeded when trying to connect|Timed out fetching a new connection from the connection pool|QueuePool limit of size \d+ overflow \d+ reached|Connection pool timeout|Connection is not available, request timed out after \d+ ?ms|Timed out while checking out a connection from connection pool|MongoWaitQueue(?:Timeout|Full)Error|could not obtain a connection from the pool within|Timeout acquiring a connection\. The pool is probably full|couldn't get a connection after [\d.]+ sec|Timeout waiting for idle object|ConnectionAcquireTimeoutError`,
  },
  {
    kind: "headers_sent",
    title: "Headers already sent",
    family: "fallout",
    codes: ["ERR_HTTP_HEADERS_SENT"],
    pattern: String.raw`ERR_HTTP_HEADERS_SENT|Cannot set headers after they are sent`,
  },
  {
    kind: "upstream_failure",
    title: "Upstream API failure before a retry",
    family: "fallout",
    pattern: String.raw`(?:OpenAI|Anthropic|Gemini|Mistral|Cohere|Bedrock|LLM|upstream)\b.*?(?:\b5\d\d\b|timed? ?out|ETIMEDOUT|overloaded).*?\bretr(?:y|ying|ies)\b|\bretr(?:y|ying)\b.*?(?:OpenAI|Anthropic|Gemini|Mistral|Cohere|Bedrock|LLM|upstream)\b.*?(?:\b5\d\d\b|timed? ?out|ETIMEDOUT|overloaded)`,
    flags: "i",
    formats: ["app", "otlp"],
  },
];
