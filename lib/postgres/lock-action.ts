import "server-only";
import type pg from "pg";
import { z } from "zod";
import { writeActionLog, type ActionLogEntry } from "../audit/write-action-log";
import { entitiesForAdvisoryKeys } from "../entities/advisory-key-cache";
import type { Actor } from "../auth/roles";
import { int4Id, pgTimestampParam } from "../http/params";
import { maskSecretsIn } from "../sources/secret-box";
import type { PrismaClient } from "../store/generated/client";
import { AFTER_ACTION_SQL, SIGNAL_BACKEND_SQL, TARGET_BACKEND_SQL, type AfterRow, type SignalRow, type TargetBackendRow } from "./lock-action-sql";
import { decodeAdvisoryKey } from "./advisory-key";
import { MONITOR_RIGHTS_SQL, type MonitorRightsRow } from "./lock-snapshot-sql";
import { withMonitorClient } from "./monitor-pool";
import { toMonitorRights } from "./monitor-rights";
import { ownPidsOn, toServerIdentity } from "./own-backends";
import { storeDatabaseOn } from "./store-server";

export const LOCK_ACTIONS = ["release", "cancel", "terminate"] as const;
export type LockAction = (typeof LOCK_ACTIONS)[number];

const oid = z.number().int().min(0).max(4294967295);
export const LockTargetSchema = z.object({
  locktype: z.literal("advisory"),
  database: oid,
  classid: oid,
  objid: oid,
  objsubid: z.union([z.literal(1), z.literal(2)]),
});

export const LockActionInputSchema = z.object({
  pid: int4Id,
  /** As the snapshot reported it (microseconds kept), so a reused pid never matches. */
  backendStart: pgTimestampParam,
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

/** What a source's config lets an action reach: its database only, and privileged roles or not. */
export type LockActionSource = { id: number; name: string; config?: Record<string, unknown> | null };
const scopedToDatabase = (s: LockActionSource) => s.config?.scope === "database";
const allowsPrivilegedTargets = (s: LockActionSource) => s.config?.allowSuperuserTargets === true;

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
  args: { actor: Actor; source: LockActionSource; url: string; action: LockAction; input: LockActionInput },
): Promise<LockActionResult> {
  const { input, action } = args;
  const target = { pid: input.pid, backendStart: input.backendStart, lock: input.lock ?? null };
  const entities = await lockEntities(prisma, input.lock);
  let before: unknown = null;
  const entry = (verdict: Verdict): ActionLogEntry => ({
    actor: args.actor.name,
    action: `lock.${action}` as const,
    sourceId: args.source.id,
    target: entities.length ? { ...target, entities } : target,
    reason: input.reason,
    before,
    outcome: verdict.outcome,
    detail: { message: verdict.message, ...(verdict.code ? { code: verdict.code } : {}), ...verdict.detail },
  });
  let verdict: Verdict;
  let auditId: number;
  try {
    ({ verdict, auditId } = await prisma.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 AS ok FROM (SELECT pg_advisory_xact_lock(hashtextextended(${actionLockKey(args.source.id, input.pid)}, 0))) s`;
        const v = await withMonitorClient(args.url, async (client) => {
          const t = (await client.query<TargetBackendRow>(TARGET_BACKEND_SQL, [input.pid, input.backendStart, ...lockParams(input.lock)])).rows[0];
          // Another database's backend stays out of the audit log too, beyond naming it.
          before = t && (t.in_database || !scopedToDatabase(args.source)) ? t : t ? { pid: t.pid, datname: t.datname, in_database: false } : null;
          return decideAndAct(prisma, client, args, t);
        });
        // Audited before the store's lock on this backend is let go: the lock sampler, which waits
        // for that lock (isLockActionInFlight), then finds the release that ended the holder.
        return { verdict: v, auditId: (await writeActionLog(tx, entry(v))).id };
      },
      { maxWait: 10_000, timeout: 30_000 },
    ));
  } catch (err) {
    verdict = { outcome: "failed", code: "action_failed", message: `could not act on ${args.source.name}: ${maskSecretsIn((err as Error).message)}` };
    auditId = (await writeActionLog(prisma, entry(verdict))).id;
  }
  return { outcome: verdict.outcome, message: verdict.message, code: verdict.code, auditId, detail: verdict.detail ?? {} };
}

/** The store's lock a lock action holds on its target backend, from its first check until it is audited. */
export const actionLockKey = (sourceId: number, pid: number) => `lockboard-action:${sourceId}:${pid}`;

/** A lock action on one of these backends is under way (its audit row not yet written): whatever ended them is not known yet. */
export async function isLockActionInFlight(prisma: PrismaClient, sourceId: number, pids: number[]): Promise<boolean> {
  if (pids.length === 0) return false;
  // Taken and let go in one statement: it waits for nobody, and tells whether an action holds it.
  const keys = pids.map((pid) => actionLockKey(sourceId, pid));
  const rows = await prisma.$queryRaw<{ free: boolean }[]>`
    SELECT pg_try_advisory_xact_lock(hashtextextended(k, 0)) AS free FROM unnest(${keys}::text[]) AS k`;
  return rows.some((r) => !r.free);
}

/**
 * The entities the lock's key stands for (LOCKBOARD_ENTITY_ADVISORY_KEYS), kept in the audit row so
 * its sentence names "user-4217" as it was at the time. Never a reason to lose the audit row.
 */
async function lockEntities(prisma: PrismaClient, lock: LockActionInput["lock"]): Promise<{ type: string; value: string }[]> {
  if (!lock) return [];
  try {
    const label = decodeAdvisoryKey(lock.classid, lock.objid, lock.objsubid).label;
    return ((await entitiesForAdvisoryKeys(prisma, [label])).get(label) ?? []).map((e) => ({ type: e.type, value: e.value }));
  } catch (err) {
    console.error("[lockboard] the entities of a lock action's key were not read:", err);
    return [];
  }
}

async function decideAndAct(
  prisma: PrismaClient,
  client: pg.ClientBase,
  { action, input, source }: { action: LockAction; input: LockActionInput; source: LockActionSource },
  t: TargetBackendRow | undefined,
): Promise<Verdict> {
  const refuse = (code: string, message: string): Verdict => ({ outcome: "refused", code, message });
  if (action === "release" && !input.lock) return refuse("no_lock", "release names the advisory lock to release");
  if (!t) return { outcome: "already_released", message: `backend ${input.pid} is gone: nothing to do` };
  const scopeDb = scopedToDatabase(source);
  const rightsRow = (await client.query<MonitorRightsRow>(MONITOR_RIGHTS_SQL)).rows[0]!;
  if (scopeDb && !t.in_database) {
    return refuse(
      "out_of_scope",
      `backend ${input.pid} is not in database "${rightsRow.database}", the only one source ${source.name} may act on (config.scope = "database"): nothing was signalled`,
    );
  }
  const rights = toMonitorRights(rightsRow);
  const mine = t.usename === rights.role;
  if (!rights.pgSignalBackend && !mine)
    return refuse(
      "insufficient_rights",
      rights.messages.find((m) => m.includes("pg_signal_backend"))!,
    );
  // Without pg_monitor another role's backend_start is hidden, so the target cannot be verified.
  if (t.backend_start === null)
    return refuse(
      "insufficient_rights",
      rights.messages.find((m) => m.includes("pg_monitor")) ?? `backend ${input.pid}'s start time is hidden from ${rights.role}`,
    );
  if (!t.same_start) {
    return refuse(
      "pid_reused",
      `pid ${input.pid} now belongs to another session (started ${t.backend_start}, not ${input.backendStart}): nothing was signalled`,
    );
  }
  const here = toServerIdentity(rightsRow);
  const storeDb = await storeDatabaseOn(here, prisma);
  const ownPids = ownPidsOn(here);
  if (t.is_self || ownPids.includes(t.pid) || (storeDb !== null && t.datname === storeDb)) {
    return refuse(
      "own_connection",
      `backend ${input.pid} is one of Lockboard's own connections${storeDb !== null && t.datname === storeDb ? ` (its store database "${storeDb}")` : ""}`,
    );
  }
  if (t.backend_type !== "client backend")
    return refuse("not_client_backend", `backend ${input.pid} is a ${t.backend_type ?? "server process"}, not a client session`);
  const allowPrivileged = allowsPrivilegedTargets(source);
  if (t.privileged_role && !allowPrivileged) {
    return refuse(
      "privileged_target",
      `backend ${input.pid} belongs to role "${t.usename}", a superuser or replication role: Lockboard does not end such sessions unless source ${source.name} sets config.allowSuperuserTargets: true`,
    );
  }
  if (input.lock && !t.holds_lock) return { outcome: "already_released", message: `backend ${input.pid} no longer holds that advisory lock: nothing to do` };
  if (!input.lock && !input.endBlockingBackend) {
    return refuse(
      "confirm_end_blocker",
      `backend ${input.pid} holds no advisory lock named here: ending it needs the explicit choice to end a blocking backend`,
    );
  }
  if (!input.lock && t.blocked_pids.length === 0)
    return { outcome: "already_released", message: `backend ${input.pid} no longer blocks anyone: nothing to do` };

  const waitersBefore = input.lock ? t.lock_waiters : t.blocked_pids;
  const signal = (kind: "cancel" | "terminate") =>
    client
      .query<SignalRow>(SIGNAL_BACKEND_SQL, [input.pid, input.backendStart, kind, storeDb, ...lockParams(input.lock), ownPids, scopeDb, allowPrivileged])
      .then((r) => r.rows[0]);
  const after = () =>
    client.query<AfterRow>(AFTER_ACTION_SQL, [input.pid, input.backendStart, ...lockParams(input.lock), waitersBefore]).then((r) => r.rows[0]!);
  // Released: the backend is gone, or it let go of the lock (a cancelled transaction-level
  // lock), or, for a blocker named without a lock, nobody it blocked still waits.
  const done = (a: AfterRow) => !a.alive || (input.lock ? a.holds === false : a.still_waiting.length === 0);

  const first: "cancel" | "terminate" = action === "release" ? (t.state === "active" ? "cancel" : "terminate") : action;
  const signals: string[] = [];
  const sent = await signal(first);
  // The statement re-checks everything above; a miss is almost always the lock let go meanwhile.
  if (!sent)
    return {
      outcome: "already_released",
      message: `backend ${input.pid} no longer holds the lock (or no longer passes the checks) at the moment of acting: nothing was signalled`,
    };
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
    return {
      outcome: "failed",
      code: "still_holding",
      message: `backend ${input.pid} was signalled (${signals.join(", ")}) but still holds the lock${hint}`,
      detail: { signals, waitersBefore },
    };
  }
  // Give a waiter a moment to be granted the lock it queued for.
  if (waitersBefore.length > 0)
    state = await waitFor(after, (a) => a.still_waiting.length < waitersBefore.length || a.holders.some((p) => waitersBefore.includes(p)), 2_000);
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
