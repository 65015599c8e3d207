// No "server-only": one sentence per audit row, read by the Audit page, its export and tests.
import { originWords } from "../replay/replay-origin";
import type { AuditAction } from "./action-names";
import { actorWords, advisoryKeyOf, countWords, entityWords, list, num, obj, plural, str, type AuditRowLike } from "./audit-values";

type Builder = (r: AuditRowLike) => string;

const on = (r: AuditRowLike) => (r.source ? ` on ${r.source}` : "");
const message = (r: AuditRowLike) => str(obj(r.detail).message);

/** How a lock action ended, from its outcome and the signals and waiters its detail keeps. */
function lockOutcome(r: AuditRowLike): string {
  const d = obj(r.detail);
  if (r.outcome !== "released") return `${r.outcome.replace(/_/g, " ")}${message(r) ? ` (${message(r)})` : ""}`;
  const signals = list(d.signals).filter((s) => s === "cancel" || s === "terminate");
  const done = signals.length ? signals.map((s) => (s === "cancel" ? "cancelled" : "terminated")).join(", then ") : "released";
  const holders = list(d.newHolders)
    .map(num)
    .filter((n) => n !== null);
  const waiters =
    d.waitersAcquired === true
      ? holders.length
        ? `waiter ${holders.join(", ")} got the lock`
        : "its waiters went on"
      : d.waitersAcquired === false
        ? "no waiter has the lock yet"
        : "nobody was waiting";
  return `${done}; ${waiters}`;
}

/** "pid 18145 (memory-worker, role app)": the backend as the row saw it before acting. */
function holderWords(r: AuditRowLike): string {
  const t = obj(r.target);
  const b = obj(r.before);
  const pid = num(t.pid) ?? num(b.pid);
  const who = [str(b.application_name), str(b.usename) && `role ${str(b.usename)}`].filter(Boolean).join(", ");
  return `pid ${pid ?? "?"}${who ? ` (${who})` : ""}`;
}

function lockSentence(verb: string, r: AuditRowLike): string {
  const t = obj(r.target);
  const key = advisoryKeyOf(t.lock);
  const entities = entityWords(t.entities);
  const what = key ? `advisory lock ${key}${entities ? ` (${entities})` : ""} held by ${holderWords(r)}` : `the session of ${holderWords(r)}`;
  return `${actorWords(r.actor)} ${verb} ${what}${on(r)}: ${lockOutcome(r)}`;
}

/** "12 ids", "the filter status conflict, source demo-mongo": a frozen replay selection. */
function selectionWords(selection: unknown): string {
  const s = obj(selection);
  if (Array.isArray(s.ids)) return s.ids.length <= 3 ? `write${s.ids.length === 1 ? "" : "s"} #${s.ids.join(", #")}` : plural(s.ids.length, "chosen write");
  const f = Object.entries(obj(s.filter)).filter(([, v]) => str(v));
  return f.length ? `the writes matching ${f.map(([k, v]) => `${k} ${String(v)}`).join(", ")}` : "every replayable write";
}

const replayRun = (t: ReturnType<typeof obj>) => (num(t.replayRunId) !== null ? `replay run #${num(t.replayRunId)}` : "a replay run");

/** "the alert rule “pages on deadlocks” (#3)", "the slack destination “oncall” (#2)". */
function alertThing(noun: "rule" | "destination", r: AuditRowLike): string {
  const t = obj(r.target);
  const name = str(t.name);
  const id = num(noun === "rule" ? t.ruleId : t.destinationId);
  const type = noun === "destination" ? str(t.type) : null;
  return `the ${type ? `${type} ` : ""}alert ${noun}${name ? ` “${name}”` : ""}${id !== null ? ` (#${id})` : ""}`;
}

const BUILDERS: Record<AuditAction, Builder> = {
  "incident.status": (r) => {
    const t = obj(r.target);
    const from = str(obj(r.before).status);
    const title = str(t.title);
    const incident = `incident #${num(t.incidentId) ?? "?"}${title ? ` “${title}”` : ""}`;
    if (r.outcome.startsWith("already ")) return `${actorWords(r.actor)} set ${incident}${on(r)} to ${r.outcome.slice(8)}: it already was`;
    return `${actorWords(r.actor)} set ${incident}${on(r)}${from ? ` from ${from}` : ""} to ${r.outcome}`;
  },
  "lock.release": (r) => lockSentence("released", r),
  "lock.cancel": (r) => lockSentence("cancelled the query behind", r),
  "lock.terminate": (r) => lockSentence("terminated the session behind", r),
  "user.create": (r) => {
    const t = obj(r.target);
    const role = str(t.role);
    return `${actorWords(r.actor)} created the account ${str(t.email) ?? "?"}${role ? ` as ${role}` : ""}`;
  },
  "user.role": (r) => {
    const t = obj(r.target);
    const from = str(obj(r.before).role);
    const to = str(t.role) ?? "?";
    const email = str(t.email) ?? str(obj(r.before).email) ?? `user ${str(t.userId) ?? "?"}`;
    if (r.outcome === "not_found") return `${actorWords(r.actor)} tried to make ${email} ${to}: no such account`;
    return r.outcome === "unchanged" || from === to
      ? `${actorWords(r.actor)} left ${email}'s role at ${to}`
      : `${actorWords(r.actor)} changed ${email}'s role${from ? ` from ${from}` : ""} to ${to}`;
  },
  "token.create": (r) => {
    const t = obj(r.target);
    const sources = list(t.sources).map(str).filter(Boolean);
    return `${actorWords(r.actor)} created the ${str(t.scope) ?? ""} API token “${str(t.name) ?? "?"}”${sources.length ? ` for ${sources.join(", ")}` : ""}`.replace(
      "the  API",
      "an API",
    );
  },
  "token.revoke": (r) =>
    `${actorWords(r.actor)} revoked API token #${str(obj(r.target).tokenId) ?? "?"}${r.outcome === "already_revoked" ? ": it already was" : ""}`,
  "source.create": (r) => {
    const t = obj(r.target);
    return `${actorWords(r.actor)} added the ${str(t.kind) ?? ""} source ${str(t.name) ?? r.source ?? "?"}`.replace("the  source", "a source");
  },
  "source.update": (r) => {
    const t = obj(r.target);
    const before = obj(r.before);
    const changed = ["kind", "maskedUrl", "config"].filter((k) => JSON.stringify(before[k] ?? null) !== JSON.stringify(t[k] ?? null));
    const what = changed.map((k) => (k === "maskedUrl" ? "URL" : k)).join(" and ");
    return `${actorWords(r.actor)} changed ${what ? `the ${what} of ` : ""}source ${str(t.name) ?? r.source ?? "?"}${what ? "" : " (no difference)"}`;
  },
  "replay.start": (r) => {
    const t = obj(r.target);
    const origin = obj(r.detail).origin;
    return `${actorWords(r.actor)} started ${replayRun(t)} of ${plural(num(t.total) ?? 0, "failed write")} (${selectionWords(t.selection)})${origin ? ` ${originWords(origin)}` : ""}`;
  },
  "replay.run": (r) => {
    const t = obj(r.target);
    const d = obj(r.detail);
    const counts = countWords(d.counts);
    const ended = r.outcome.startsWith("failed:") ? r.outcome : (counts ?? r.outcome);
    const from = d.origin ? ` ${originWords(d.origin)}` : "";
    // A run taken over elsewhere (`npm run replay -- --run ID` on a dashboard run) says where it was worked.
    const worked = d.workedFrom && d.workedFrom !== d.origin ? `, worked ${originWords(d.workedFrom)},` : "";
    return `${replayRun(t)} started by ${actorWords(r.actor)}${from}${worked} finished ${plural(num(t.total) ?? 0, "write")}: ${ended}`;
  },
  "replay.retry": (r) => {
    const t = obj(r.target);
    const n = list(t.failedWriteIds).length;
    const run = num(t.replayRunId) !== null ? ` (run #${num(t.replayRunId)})` : "";
    return `the retry job${run} replayed ${plural(n, "failed write")} due again: ${countWords(obj(r.detail).counts) ?? r.outcome}`;
  },
  "alert_rule.create": (r) => `${actorWords(r.actor)} created ${alertThing("rule", r)}`,
  "alert_rule.update": (r) => {
    const verb = r.outcome === "paused" ? "paused" : r.outcome === "resumed" ? "resumed" : "changed";
    return `${actorWords(r.actor)} ${verb} ${alertThing("rule", r)}`;
  },
  "alert_rule.delete": (r) => `${actorWords(r.actor)} deleted ${alertThing("rule", r)}`,
  "alert_destination.create": (r) => `${actorWords(r.actor)} created ${alertThing("destination", r)} to ${str(obj(r.target).maskedUrl) ?? "?"}`,
  "alert_destination.update": (r) => {
    const t = obj(r.target);
    const what = [t.urlChanged === true && "its URL", t.secretChanged === true && "its secret"].filter(Boolean).join(" and ");
    return `${actorWords(r.actor)} changed ${alertThing("destination", r)}${what ? ` (${what})` : ""}`;
  },
  "alert_destination.delete": (r) => `${actorWords(r.actor)} deleted ${alertThing("destination", r)}`,
  "alert_destination.test": (r) => `${actorWords(r.actor)} sent a test message to ${alertThing("destination", r)}: ${r.outcome}`,
  "failed_write.import": (r) => {
    const t = obj(r.target);
    const sources = list(t.sources).map(str).filter(Boolean);
    const from = str(t.origin) === "ndjson" ? "an NDJSON file" : (str(t.origin) ?? "a file");
    return `${actorWords(r.actor)} imported ${plural(num(t.lines) ?? 0, "line")} of failed writes from ${from}${sources.length ? ` for ${sources.join(", ")}` : ""}: ${r.outcome}`;
  },
};

export const AUDIT_SENTENCE_ACTIONS = Object.keys(BUILDERS) as AuditAction[];

/** The row as one sentence; a name no builder knows (a row older than its code) still reads. */
export function describeAction(r: AuditRowLike): string {
  const build = BUILDERS[r.action as AuditAction];
  if (build) return build(r);
  return `${actorWords(r.actor)}: ${r.action.replace(/[._]/g, " ")}${on(r)} → ${r.outcome}`;
}
