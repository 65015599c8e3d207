/**
 * What to do about each kind of incident, written for the operator on call. Data, not code: the
 * detail page renders `steps` as a list and `sql`/`code` as copyable blocks. Keys are the
 * ingestion catalog's kinds (lib/ingest/classify/catalog-data.ts) plus the lock and capacity incidents.
 */
export type Runbook = { title: string; summary: string; steps: string[]; code?: string };

const LOCK_WAIT_STORM: Runbook = {
  title: "Waiters pile up behind one lock holder",
  summary: "One session holds a lock (often an advisory lock taken by the app) and everyone else queues behind it.",
  steps: [
    "Open Locks at the spike: the blocking tree puts the root blocker first.",
    "If the holder is idle in transaction, the app forgot to commit or crashed mid-request: Release ends it (its transaction rolls back).",
    "If it is running, cancel its query first; terminate only if it keeps holding.",
    "Afterwards: take advisory locks with pg_advisory_xact_lock (freed at commit/rollback) and set idle_in_transaction_session_timeout.",
  ],
  code: "SELECT pg_advisory_xact_lock(hashtext($1)); -- released when the transaction ends, even on error",
};

export const RUNBOOKS: Record<string, Runbook> = {
  duplicate_key: {
    title: "Insert race on a unique key",
    summary: "Two requests (or a retry) inserted the same key; the second one failed with 23505 / E11000.",
    steps: [
      "Check the entities below: one key hit many times is a retry loop; many keys once each is a race between workers.",
      "PostgreSQL: make the write idempotent with INSERT … ON CONFLICT DO NOTHING, or an upsert (ON CONFLICT … DO UPDATE).",
      "MongoDB: updateOne(key, { $setOnInsert: doc }, { upsert: true }) instead of insertOne.",
      "E11000 after an upstream error and a retry: send an idempotency key with the request and store it with the record, so the retry finds the first write.",
      "Writes that were lost are under Failed writes: replay them (idempotent: applied, already present or conflict).",
    ],
    code: "INSERT INTO messages (message_id, body) VALUES ($1, $2)\nON CONFLICT (message_id) DO NOTHING;",
  },
  deadlock: {
    title: "Deadlock between transactions",
    summary: "Two transactions took the same rows or locks in opposite orders; PostgreSQL aborted one (40P01).",
    steps: [
      "Read the DETAIL of the latest events: it names both processes and what each waited for.",
      "Take locks in one global order (e.g. sort ids before UPDATE … WHERE id = ANY, or SELECT … ORDER BY id FOR UPDATE).",
      "Retry the aborted transaction: 40P01 is safe to retry as a whole.",
    ],
  },
  serialization_failure: {
    title: "Serialization failure or write conflict",
    summary: "A SERIALIZABLE / REPEATABLE READ transaction (or a MongoDB transaction) lost a race (40001, WriteConflict).",
    steps: ["Retry the whole transaction with backoff and jitter; these errors are expected under contention.", "Shorten the transaction so it overlaps less."],
  },
  lock_timeout: {
    title: "Lock timeout",
    summary: "A statement gave up waiting for a lock (55P03): someone held it longer than lock_timeout.",
    steps: [
      "Find the holder at that moment on Locks (blocking tree).",
      "Long DDL or a forgotten open transaction is the usual holder.",
      "Queue the write for replay instead of dropping it.",
    ],
  },
  lock_wait: LOCK_WAIT_STORM,
  lock_not_available: {
    title: "Vacuum or analyze skipped: table locked",
    summary:
      "Autovacuum (or VACUUM/ANALYZE with SKIP_LOCKED) gave up on a table someone held locked (55P03); repeated, the table bloats and its statistics go stale.",
    steps: [
      "Find who holds the table's lock at those moments on Locks: long DDL, LOCK TABLE, or a transaction left open.",
      "If it repeats for one table, check its dead tuples and last autovacuum in pg_stat_user_tables.",
      "Run VACUUM (VERBOSE) on it in a quiet moment once the holder is gone.",
    ],
    code: "SELECT relname, n_dead_tup, last_autovacuum FROM pg_stat_user_tables ORDER BY n_dead_tup DESC LIMIT 10;",
  },
  recovery_conflict: {
    title: "Query canceled on a standby (recovery conflict)",
    summary:
      "WAL replay on a hot standby needed something a query held (a lock, a buffer pin, row versions vacuum removed on the primary), so the standby canceled it (40001 / 40P01 / 57P04); the DETAIL names which.",
    steps: [
      "Read the DETAIL: `relation lock` is DDL or LOCK on the primary; `row versions that must be removed` is vacuum cleaning what the query still needed.",
      "For long reports on the standby: hot_standby_feedback = on (the primary keeps the rows, at the cost of bloat) or a higher max_standby_streaming_delay (replay lags meanwhile).",
      "Retry the canceled query; move long analytics to a replica tuned for them.",
    ],
  },
  advisory_lock_stuck: LOCK_WAIT_STORM,
  statement_timeout: {
    title: "Statement timeout",
    summary: "A query ran past statement_timeout (57014), often because it waited on a lock.",
    steps: [
      "Check Locks at the spike: a waiting statement counts its wait against the timeout.",
      "Otherwise check the plan (EXPLAIN) of the statement in the latest events.",
    ],
  },
  storage_busy: {
    title: "Storage busy (Resource busy / SQLITE_BUSY)",
    summary: "An embedded store (RocksDB, SQLite) refused a write because another writer held its lock.",
    steps: [
      "Serialize writers (one writer process, or a queue).",
      "SQLite: set busy_timeout and use WAL mode.",
      "Answer callers with 429 + Retry-After and capture the write for replay.",
    ],
  },
  http_429: {
    title: "Rate limited (429)",
    summary: "An upstream or this service answered 429.",
    steps: ["Honour Retry-After; add jittered backoff.", "If the 429 is ours and caused by storage busy errors, fix that first."],
  },
  too_many_connections: {
    title: "Connections exhausted",
    summary: "The server refused new connections (53300 / reserved slots / MongoDB refusals).",
    steps: [
      "Open Capacity at the spike: which application holds the connections, how many are idle in transaction?",
      "Use a pool per process with a hard max (and PgBouncer in transaction mode for many processes).",
      "Close idle-in-transaction sessions (idle_in_transaction_session_timeout).",
    ],
  },
  pool_timeout: {
    title: "Pool checkout timeout",
    summary: "The app's connection pool had no free connection in time (node-postgres, Prisma P2024).",
    steps: ["Look for leaked clients (checked out, never released) and long transactions.", "Raise the pool size only if the database has room (Capacity)."],
  },
  fd_exhaustion: {
    title: "Out of file descriptors (EMFILE)",
    summary: "The process hit its open-file limit (EMFILE, Errno 24): usually sockets opened per request and never reused.",
    steps: [
      "Reuse connections: one HTTP agent with keepAlive, one database pool per process, not one per request.",
      "Check Capacity for the process's open fds against its limit, and which kind (sockets, files, pipes) grows.",
      "Raise the limit (LimitNOFILE in systemd, ulimit -n) only after fixing the leak.",
    ],
    code: "new https.Agent({ keepAlive: true, maxSockets: 64 })",
  },
  headers_sent: {
    title: "Response sent twice (ERR_HTTP_HEADERS_SENT)",
    summary: "A handler wrote a response after one was already sent, often after a timeout or retry path.",
    steps: ["Return after sending; make error and timeout paths check res.headersSent."],
  },
  upstream_failure: {
    title: "Upstream failure before a retry",
    summary: "An upstream (an LLM provider, an API) failed or timed out; the retry that follows may duplicate a write.",
    steps: [
      "Make the write after the upstream call idempotent (idempotency key), so the retry cannot insert twice.",
      "Correlate with duplicate_key incidents on the same entities.",
    ],
  },
  capacity_threshold: {
    title: "Capacity threshold crossed",
    summary: "A source rose into warn or critical on connections or file descriptors.",
    steps: ["Open Capacity at that moment and follow the growing group (application, state, kind of fd)."],
  },
};

const GENERIC: Runbook = {
  title: "Unclassified failure",
  summary: "No runbook for this kind yet.",
  steps: [
    "Read the latest events' raw text and fields; follow an entity to see what else happened to it.",
    "Add a kind with LOCKBOARD_CATALOG_FILE so the next one is classified.",
  ],
};

export const runbookFor = (kind: string): Runbook => RUNBOOKS[kind] ?? GENERIC;
