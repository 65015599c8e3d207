import {
  codeOf,
  connect,
  createAccounts,
  logMarker,
  provokeAdvisoryWait,
  provokeConnectionExhaustion,
  provokeDeadlock,
  provokeRowLockTimeout,
  provokeSerializationFailure,
  provokeStatementTimeout,
} from "./pg-failures";
import { provokeUniqueViolation } from "./pg-provoke";

/**
 * Every concurrency event a PostgreSQL 15+ server can be made to log cheaply, each once, on a
 * server with log_lock_waits = on, deadlock_timeout = 100ms and max_connections = 8 with 2
 * reserved. Returns the SQLSTATE each client saw.
 */

/** A row lock waited for past deadlock_timeout, then granted: `still waiting`, then `acquired`. */
export async function provokeLockAcquired(url: string, table: string): Promise<string | null> {
  const [a, b] = await Promise.all([connect(url), connect(url)]);
  try {
    await a.query("BEGIN");
    await a.query(`SELECT 1 FROM ${table} WHERE id = 1 FOR UPDATE`);
    const waiting = codeOf(b.query(`UPDATE ${table} SET balance = balance WHERE id = 1`));
    await new Promise((r) => setTimeout(r, 400));
    await a.query("COMMIT");
    return await waiting;
  } finally {
    await Promise.all([a.end(), b.end()]);
  }
}

/** 55P03 `could not obtain lock on row in relation`: SELECT … FOR UPDATE NOWAIT on a locked row. */
export async function provokeNowait(url: string, table: string): Promise<string | null> {
  const [a, b] = await Promise.all([connect(url), connect(url)]);
  try {
    await a.query("BEGIN");
    await a.query(`SELECT 1 FROM ${table} WHERE id = 2 FOR UPDATE`);
    const code = await codeOf(b.query(`SELECT 1 FROM ${table} WHERE id = 2 FOR UPDATE NOWAIT`));
    await a.query("ROLLBACK");
    return code;
  } finally {
    await Promise.all([a.end(), b.end()]);
  }
}

/** WARNING 55P03 `skipping vacuum of "t" --- lock not available`: VACUUM (SKIP_LOCKED) on a table held exclusively. */
export async function provokeVacuumSkipped(url: string, table: string): Promise<string | null> {
  const [a, b] = await Promise.all([connect(url), connect(url)]);
  try {
    await a.query("BEGIN");
    await a.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
    await b.query(`VACUUM (SKIP_LOCKED) ${table}`);
    await a.query("ROLLBACK");
    return "done";
  } finally {
    await Promise.all([a.end(), b.end()]);
  }
}

export type ConcurrencyCodes = Record<string, unknown>;

/** Runs each provocation in turn, then an ERROR carrying `marker` to wait for in the log files. */
export async function provokeConcurrencySet(url: string, marker: string): Promise<ConcurrencyCodes> {
  const codes: ConcurrencyCodes = {};
  await provokeUniqueViolation(url, "visit_session");
  codes.unique = "23505";
  await createAccounts(url, "account");
  codes.deadlock = await provokeDeadlock(url, "account");
  codes.serialization = await provokeSerializationFailure(url, "account");
  codes.rowLock = await provokeRowLockTimeout(url, "account");
  codes.acquired = await provokeLockAcquired(url, "account");
  codes.nowait = await provokeNowait(url, "account");
  codes.advisory = await provokeAdvisoryWait(url, 4242);
  codes.statement = await provokeStatementTimeout(url);
  codes.vacuum = await provokeVacuumSkipped(url, "account");
  codes.connections = await provokeConnectionExhaustion(url, 8, 2);
  await logMarker(url, marker);
  return codes;
}

export const CONCURRENCY_SETTINGS: Record<string, string> = {
  log_lock_waits: "on",
  deadlock_timeout: "100ms",
  max_connections: "8",
  superuser_reserved_connections: "2",
  autovacuum: "off",
};

export const EXPECTED_CODES: ConcurrencyCodes = {
  unique: "23505",
  deadlock: "40P01",
  serialization: "40001",
  rowLock: "55P03",
  acquired: null,
  nowait: "55P03",
  advisory: "55P03",
  statement: "57014",
  vacuum: "done",
  connections: ["53300", "53300", "53300"],
};
