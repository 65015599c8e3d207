import type { IncidentRunbook, RunbookFact, RunbookStep } from "./runbook-types";

/** What a lock sample recorded of a session holding the lock waited for. */
export type LockHolder = {
  pid: number;
  application: string | null;
  user: string | null;
  state: string | null;
  query: string | null;
  heldSince: string | null;
  stuck: string | null;
};

export type LockedObject = {
  /** The lock as the Locks page names it: `advisory 6705…`, `relation accounts`. */
  label: string;
  advisoryKey: string | null;
  holders: LockHolder[];
  waiters: number;
  /** The monitored PostgreSQL the samples came from, for the Locks link. */
  source: string;
  at: string;
};

export type LockRunbookInput = {
  kind: string;
  source: string;
  statement: string | null;
  /** `pg_advisory_xact_lock(hashtextextended('user-metadata:' || $1, 0))` read from the statement. */
  lockCall: string | null;
  advisoryKey: string | null;
  relation: string | null;
  /** Holder pids named by the log itself (`Process holding the lock: 1.`). */
  loggedHolders: number[];
  waitedMs: number | null;
  locked: LockedObject[];
  /** Why no lock samples could name the holder, when none did. */
  samplesNote: string | null;
};

/** `pg_advisory_xact_lock(…)`, `pg_try_advisory_lock(…)` and friends, with their argument text, from a statement. */
export function advisoryCallOf(statement: string | null | undefined): { fn: string; call: string; session: boolean; shared: boolean } | null {
  const m = statement && /\b(pg_(?:try_)?advisory_(?:xact_)?lock(?:_shared)?)\s*\(/i.exec(statement);
  if (!m) return null;
  let depth = 0;
  let i = m.index + m[0].length - 1;
  for (; i < statement.length; i++) {
    if (statement[i] === "(") depth++;
    if (statement[i] === ")" && --depth === 0) break;
  }
  const fn = m[1]!.toLowerCase();
  return { fn, call: statement.slice(m.index, i + 1), session: !fn.includes("xact"), shared: fn.endsWith("_shared") };
}

/** The table a lock-waiting statement touches: UPDATE t, DELETE FROM t, LOCK [TABLE] t, SELECT … FROM t … FOR UPDATE, ALTER TABLE t. */
export function lockedRelationOf(statement: string | null | undefined): string | null {
  if (!statement) return null;
  const name = String.raw`((?:"[^"]+"|[A-Za-z_][\w$]*)(?:\.(?:"[^"]+"|[A-Za-z_][\w$]*))?)`;
  for (const re of [
    new RegExp(String.raw`^\s*UPDATE\s+(?:ONLY\s+)?${name}`, "i"),
    new RegExp(String.raw`^\s*DELETE\s+FROM\s+(?:ONLY\s+)?${name}`, "i"),
    new RegExp(String.raw`^\s*LOCK\s+(?:TABLE\s+)?(?:ONLY\s+)?${name}`, "i"),
    new RegExp(String.raw`^\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?${name}`, "i"),
    new RegExp(String.raw`^\s*(?:TRUNCATE|VACUUM\s+FULL|REINDEX\s+TABLE|CLUSTER)\s+(?:TABLE\s+)?${name}`, "i"),
    new RegExp(String.raw`\bFROM\s+${name}[\s\S]*\bFOR\s+(?:NO\s+KEY\s+)?(?:UPDATE|SHARE)`, "i"),
  ]) {
    const m = re.exec(statement);
    if (m) return m[1]!;
  }
  return null;
}

const ago = (iso: string | null, at: string) => {
  if (!iso) return "";
  const s = Math.round((Date.parse(at) - Date.parse(iso)) / 1000);
  return s >= 0 ? ` for ${s < 120 ? `${s} s` : `${Math.round(s / 60)} min`}` : "";
};

export function buildLockRunbook(input: LockRunbookInput): IncidentRunbook {
  const facts: RunbookFact[] = [];
  const gaps: string[] = [];
  const steps: RunbookStep[] = [];
  const lockName = input.advisoryKey
    ? `advisory lock ${input.advisoryKey}`
    : input.lockCall
      ? input.lockCall
      : input.relation
        ? `relation ${input.relation}`
        : null;
  if (input.advisoryKey) facts.push({ label: "Advisory lock key", value: input.advisoryKey, from: "the events" });
  if (input.lockCall) facts.push({ label: "Lock taken by", value: input.lockCall, from: "STATEMENT" });
  if (input.relation) facts.push({ label: "Relation", value: input.relation, from: "CONTEXT / STATEMENT" });
  if (input.statement && !input.lockCall) facts.push({ label: "Waiting statement", value: input.statement, from: "STATEMENT" });
  if (input.waitedMs !== null) {
    const gaveUp = input.kind === "lock_timeout";
    facts.push({
      label: gaveUp ? "Gave up after" : "Waiting for",
      value: `${input.waitedMs} ms${gaveUp ? " (lock_timeout)" : " when logged (log_lock_waits logs at deadlock_timeout)"}`,
      from: "the message",
    });
  }
  if (input.loggedHolders.length)
    facts.push({ label: "Holder (as logged)", value: `pid ${input.loggedHolders.join(", ")}`, from: "DETAIL: Process holding the lock" });

  for (const obj of input.locked.slice(0, 3)) {
    for (const h of obj.holders.slice(0, 3)) {
      facts.push({
        label: `Holder of ${obj.label}`,
        value: `pid ${h.pid}${h.application ? ` (${h.application}${h.user ? `, ${h.user}` : ""})` : ""}${h.state ? `, ${h.state}` : ""}${ago(h.heldSince, obj.at)}${h.query ? `; last query: ${h.query}` : ""}`,
        from: `lock samples of ${obj.source}`,
      });
    }
  }
  const main = input.locked[0];
  const holder = main?.holders[0];
  if (!main) gaps.push(input.samplesNote ?? "No lock sample near these events names the holder: open Locks at that moment to see who held it.");

  if (main && holder) {
    const idle = holder.state?.startsWith("idle in transaction");
    steps.push({
      text: `pid ${holder.pid}${holder.application ? ` (${holder.application})` : ""} holds ${main.label}${idle ? " and is idle in transaction: it took the lock and stopped working without committing" : ""}${holder.stuck ? ` (${holder.stuck})` : ""}; ${main.waiters > 0 ? `${main.waiters} session${main.waiters === 1 ? "" : "s"} queued behind it` : "the waiters queue behind it"}.`,
    });
    steps.push({
      text: `End the holder with Lockboard's Release on the Locks page: it checks that pid ${holder.pid} still holds ${main.advisoryKey ? `key ${main.advisoryKey}` : "the lock"} before acting, asks for a reason and records it in the audit log. pg_advisory_unlock(…) only releases a lock from the session that took it, so from outside the only way is to end that session (pg_terminate_backend; ${idle ? "pg_cancel_backend does nothing to an idle transaction" : "try cancelling its query first if it is running"}). Its open transaction rolls back.`,
      link: { label: `Locks on ${main.source} at that moment`, href: `/locks?source=${encodeURIComponent(main.source)}&at=${encodeURIComponent(main.at)}` },
    });
  } else {
    steps.push({
      text: `Find the holder of ${lockName ?? "the lock"} at that moment: the blocking tree on Locks puts the root blocker first; Release there ends it with the guarded, audited action.`,
      link: { label: "Locks", href: main ? `/locks?source=${encodeURIComponent(main.source)}&at=${encodeURIComponent(main.at)}` : "/locks" },
    });
  }

  const call = advisoryCallOf(input.lockCall ?? input.statement);
  if (call || input.advisoryKey) {
    if (call?.session) {
      steps.push({
        text: `${call.fn} is a session-level lock: it outlives the transaction and stays held until pg_advisory_unlock or the connection closes, even when the pool reuses the connection. Take the transaction-level form, freed at COMMIT or ROLLBACK:`,
        blocks: [
          {
            type: "diff",
            title: "Transaction-scoped lock",
            lines: [
              { op: "-", text: `SELECT ${call.call};` },
              { op: "+", text: `SELECT ${call.call.replace(/advisory_lock/i, "advisory_xact_lock")};  -- inside BEGIN … COMMIT` },
            ],
          },
        ],
      });
    }
    steps.push({
      text: "Keep the holder short: do not call other services while holding the lock, and let PostgreSQL end a holder that stalls.",
      blocks: [
        {
          type: "code",
          lang: "sql",
          title: "On the application's role",
          text: `ALTER ROLE <app_role> SET idle_in_transaction_session_timeout = '30s';\n-- and per transaction, how long a waiter may wait:\nSET LOCAL lock_timeout = '2s';`,
        },
      ],
    });
    if (call && !call.fn.includes("try"))
      steps.push({
        text: `Waiters that cannot wait can ask instead of queueing: ${call.call.replace(/pg_advisory/i, "pg_try_advisory")} returns false at once when the key is taken; retry with jittered backoff or answer 409/429.`,
      });
  } else {
    steps.push({
      text: `A ${input.relation ? `lock on ${input.relation}` : "row or table lock"} held too long is usually a long transaction or DDL (ALTER TABLE, CREATE INDEX without CONCURRENTLY). Run migrations with SET lock_timeout = '2s' and retry, so they never queue ahead of the traffic.`,
    });
  }
  if (input.kind === "lock_timeout")
    steps.push({
      text: "The writes that gave up were lost unless the app retried them: capture them as failed writes (POST /api/failed-writes) so they can be replayed once the lock is free.",
    });
  return {
    title: `${input.kind === "lock_wait" ? "Waiting" : input.kind === "advisory_lock_stuck" ? "Stuck" : "Lock timeout"} on ${lockName ?? "a lock"}`,
    summary: `Statements on ${input.source} ${input.kind === "lock_wait" ? "waited" : "gave up waiting"} for ${lockName ?? "a lock"}${holder ? `, held by pid ${holder.pid}${holder.application ? ` (${holder.application})` : ""}` : ""}.`,
    engine: "postgres",
    facts,
    steps,
    gaps,
  };
}
