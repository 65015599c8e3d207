import "server-only";
import type pg from "pg";
import { z } from "zod";
import { writeActionLog } from "../audit/write-action-log";
import type { Actor } from "../auth/roles";
import { maskSecretsIn } from "../sources/secret-box";
import type { PrismaClient } from "../store/generated/client";
import { AFTER_ACTION_SQL, SIGNAL_BACKEND_SQL, TARGET_BACKEND_SQL, type AfterRow, type SignalRow, type TargetBackendRow } from "./lock-action-sql";
import { MONITOR_RIGHTS_SQL, type MonitorRightsRow } from "./lock-snapshot-sql";
import { MONITOR_APPLICATION_NAME, withMonitorClient } from "./monitor-pool";
import { storeDatabaseOn, toMonitorRights } from "./monitor-rights";

export const LOCK_ACTIONS = ["release", "cancel", "terminate"] as const;
export type LockAction = (typeof LOCK_ACTIONS)[number];

const oid = z.number().int().min(0).max(4294967295);
export const LockTargetSchema = z.object({ locktype: z.literal("advisory"), database: oid, classid: oid, objid: oid, objsubid: z.union([z.literal(1), z.literal(2)]) });

export const LockActionInputSchema = z.object({
  pid: z.number().int().positive(),
  /** As the snapshot reported it (microseconds kept), so a reused pid never matches. */
  backendStart: z.string().regex(/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)$/, "must be the backend_start timestamp the snapshot showed"),
  lock: LockTargetSchema.optional(),
  reason: z.string().trim().min(3, "say why (at least 3 characters)").max(500),
  /** Needed to end a blocker that holds no advisory lock: its transaction rolls back. */
  endBlockingBackend: z.boolean().default(false),
});
export type LockActionInput = z.infer<typeof LockActionInputSchema>;

export type LockActionOutcome = "released" | "already_released" | "refused" | "failed";
export type LockActionResult = { outcome: LockActionOutcome; message: string; code?: string; auditId: number; detail: Record<string, unknown> };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const graceMs = () => Number(process.env.LOCKBOARD_RELEASE_GRACE_MS) || 1_500;
const lockParams = (l?: LockActionInput["lock"]) => (l ? [l.database, l.classid, l.objid, l.objsubid] : [null, null, null, null]);

type Verdict = { outcome: LockActionOutcome; message: string; code?: string; detail?: Record<string, unknown> };

/**
 * Ends the backend holding an advisory lock (or any blocker), safely: refuses what must never
 * be touched, re-verifies pid + backend_start + the lock in the very statement that signals,
 * cancels a running holder and terminates an idle one (or one still holding after the grace),
 * then records whether the waiters got the lock. Every attempt is written to the ActionLog.
 * Concurrent attempts on the same backend are serialized through a lock in the store, so the
 * second one finds nothing to do.
 */
export async function performLockAction(
  prisma: PrismaClient,
  args: { actor: Actor; source: { id: number; name: string }; url: string; action: LockAction; input: LockActionInput },
): Promise<LockActionResult> {
  const { input, action } = args;
  const target = { pid: input.pid, backendStart: input.backendStart, lock: input.lock ?? null };
  let before: unknown = null;
  let verdict: Verdict;
  try {
    verdict = await prisma.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 AS ok FROM (SELECT pg_advisory_xact_lock(hashtextextended(${`lockboard-action:${args.source.id}:${input.pid}`}, 0))) s`;
        return withMonitorClient(args.url, async (client) => {
          const t = (await client.query<TargetBackendRow>(TARGET_BACKEND_SQL, [input.pid, input.backendStart, ...lockParams(input.lock)])).rows[0];
          before = t ?? null;
          return decideAndAct(client, args, t);
        });
      },
      { maxWait: 10_000, timeout: 30_000 },
    );
  } catch (err) {
    verdict = { outcome: "failed", code: "action_failed", message: `could not act on ${args.source.name}: ${maskSecretsIn((err as Error).message)}` };
  }
  const log = await writeActionLog(prisma, {
    actor: args.actor.name,
    action: `lock.${action}`,
    sourceId: args.source.id,
    target,
    reason: input.reason,
    before,
    outcome: verdict.outcome,
    detail: { message: verdict.message, ...(verdict.code ? { code: verdict.code } : {}), ...verdict.detail },
  });
  return { outcome: verdict.outcome, message: verdict.message, code: verdict.code, auditId: log.id, detail: verdict.detail ?? {} };
}

async function decideAndAct(
  client: pg.ClientBase,
  { action, input, url }: { action: LockAction; input: LockActionInput; url: string },
  t: TargetBackendRow | undefined,
): Promise<Verdict> {
  const refuse = (code: string, message: string): Verdict => ({ outcome: "refused", code, message });
  if (action === "release" && !input.lock) return refuse("no_lock", "release names the advisory lock to release");
  if (!t) return { outcome: "already_released", message: `backend ${input.pid} is gone: nothing to do` };
  const rights = toMonitorRights((await client.query<MonitorRightsRow>(MONITOR_RIGHTS_SQL)).rows[0]!);
  const mine = t.usename === rights.role;
  if (!rights.pgSignalBackend && !mine) return refuse("insufficient_rights", rights.messages.find((m) => m.includes("pg_signal_backend"))!);
  // Without pg_monitor another role's backend_start is hidden, so the target cannot be verified.
  if (t.backend_start === null) return refuse("insufficient_rights", rights.messages.find((m) => m.includes("pg_monitor")) ?? `backend ${input.pid}'s start time is hidden from ${rights.role}`);
  if (!t.same_start) {
    return refuse("pid_reused", `pid ${input.pid} now belongs to another session (started ${t.backend_start}, not ${input.backendStart}): nothing was signalled`);
  }
  const storeDb = storeDatabaseOn(url);
  if (t.is_self || t.application_name === MONITOR_APPLICATION_NAME || (storeDb !== null && t.datname === storeDb)) {
    return refuse("own_connection", `backend ${input.pid} is one of Lockboard's own connections`);
  }
  if (t.backend_type !== "client backend") return refuse("not_client_backend", `backend ${input.pid} is a ${t.backend_type ?? "server process"}, not a client session`);
  if (input.lock && !t.holds_lock) return { outcome: "already_released", message: `backend ${input.pid} no longer holds that advisory lock: nothing to do` };
  if (!input.lock && !input.endBlockingBackend) {
    return refuse("confirm_end_blocker", `backend ${input.pid} holds no advisory lock named here: ending it needs the explicit choice to end a blocking backend`);
  }
  if (!input.lock && t.blocked_pids.length === 0) return { outcome: "already_released", message: `backend ${input.pid} no longer blocks anyone: nothing to do` };

  const waitersBefore = input.lock ? t.lock_waiters : t.blocked_pids;
  const signal = (kind: "cancel" | "terminate") =>
    client.query<SignalRow>(SIGNAL_BACKEND_SQL, [input.pid, input.backendStart, kind, storeDb, ...lockParams(input.lock)]).then((r) => r.rows[0]);
  const after = () =>
    client.query<AfterRow>(AFTER_ACTION_SQL, [input.pid, input.backendStart, ...lockParams(input.lock), waitersBefore]).then((r) => r.rows[0]!);
  // Released: the backend is gone, or it let go of the lock (a cancelled transaction-level
  // lock), or, for a blocker named without a lock, nobody it blocked still waits.
  const done = (a: AfterRow) => !a.alive || (input.lock ? a.holds === false : a.still_waiting.length === 0);

  const first: "cancel" | "terminate" = action === "release" ? (t.state === "active" ? "cancel" : "terminate") : action;
  const signals: string[] = [];
  const sent = await signal(first);
  if (!sent) return { outcome: "already_released", message: `backend ${input.pid} no longer holds the lock at the moment of acting: nothing was signalled` };
  if (!sent.signalled) return { outcome: "failed", code: "signal_failed", message: `PostgreSQL did not deliver the ${first} signal to ${input.pid}` };
  signals.push(first);
  let state = await waitFor(after, done, first === "cancel" ? graceMs() : 3_000);
  // A cancel ends the running statement, not a session-level advisory lock: escalate.
  if (action === "release" && first === "cancel" && !done(state)) {
    const again = await signal("terminate");
    if (again?.signalled) signals.push("terminate");
    state = await waitFor(after, done, 3_000);
  }
  if (!done(state)) {
    const hint = action === "cancel" ? ": its statement was cancelled but the session keeps its locks; terminate it to release them" : "";
    return { outcome: "failed", code: "still_holding", message: `backend ${input.pid} was signalled (${signals.join(", ")}) but still holds the lock${hint}`, detail: { signals, waitersBefore } };
  }
  // Give a waiter a moment to be granted the lock it queued for.
  if (waitersBefore.length > 0) state = await waitFor(after, (a) => a.still_waiting.length < waitersBefore.length || a.holders.some((p) => waitersBefore.includes(p)), 2_000);
  const newHolders = state.holders.filter((p) => waitersBefore.includes(p));
  const waitersAcquired = waitersBefore.length === 0 ? null : input.lock ? newHolders.length > 0 : state.still_waiting.length < waitersBefore.length;
  const what = signals.length === 1 && signals[0] === "cancel" ? "cancelled the running statement of" : "ended";
  return {
    outcome: "released",
    message: `${what} backend ${input.pid} (${signals.join(" then ")})${waitersAcquired ? `; ${newHolders.length ? `waiter ${newHolders.join(", ")} got the lock` : "its waiters went on"}` : waitersAcquired === false ? "; no waiter has the lock yet" : ""}`,
    detail: { signals, waitersBefore, waitersAcquired, newHolders, stillWaiting: state.still_waiting, holderGone: !state.alive },
  };
}

async function waitFor(read: () => Promise<AfterRow>, ok: (a: AfterRow) => boolean, ms: number): Promise<AfterRow> {
  const deadline = Date.now() + ms;
  for (;;) {
    const a = await read();
    if (ok(a) || Date.now() > deadline) return a;
    await sleep(50);
  }
}
