import "server-only";
import { levelOf, thresholdsFor } from "../capacity/thresholds";
import { ADVISORY_LOCK_STUCK } from "../postgres/stuck-incident";
import { Prisma, type AlertRule } from "../store/generated/client";
import type { AlertFilter, AlertSeverity, AlertTrigger } from "./alert-schemas";
import { publicLink, type AlertCondition } from "./payloads";

type Tx = Prisma.TransactionClient;
export type RuleToEvaluate = Pick<AlertRule, "id" | "name" | "trigger" | "params" | "reminderMinutes" | "activeSince"> & {
  filter: AlertFilter;
  /**
   * Incidents created before this were all seen by an earlier pass: the store's clock at the
   * start of the last committed pass, less a margin for a writer's transaction still open then
   * (an incident's createdAt is its transaction's start, visible only at its commit). Null: scan all.
   */
  createdFloor: Date | null;
};

/** How a trigger's conditions are found: `fresh` ones to announce, `current` for the firing ones. */
export type TriggerFinder = {
  /** Level triggers: the whole active set each pass; firing subjects not in it have recovered. */
  level: boolean;
  /** One-shot (a finished replay run): announced once, never "resolved". */
  oneShot?: boolean;
  find(tx: Tx, rule: RuleToEvaluate, now: Date, firingSubjects: string[]): Promise<{ fresh: AlertCondition[]; current: AlertCondition[] }>;
};

type IncidentRow = {
  id: number;
  kind: string;
  title: string;
  source: string | null;
  count: number;
  status: string;
  regression: boolean;
  firstSeen: Date;
  lastSeen: Date;
  severity: string | null;
  since?: Date;
};

const SEVERITY_OF: Record<string, AlertSeverity> = { critical: "critical", error: "error", warning: "warning", info: "info", debug: "info" };
const severityOf = (s: string | null): AlertSeverity => SEVERITY_OF[s ?? ""] ?? "error";
const MAX_FRESH = 500;

export function incidentCondition(r: IncidentRow): AlertCondition {
  return {
    subject: `incident:${r.id}`,
    title: r.title,
    kind: r.kind,
    source: r.source,
    severity: severityOf(r.severity),
    count: r.count,
    firstSeen: r.firstSeen.toISOString(),
    lastSeen: r.lastSeen.toISOString(),
    url: publicLink(`/incidents/${r.id}`),
    status: r.status,
    incidentId: r.id,
    details: { regression: r.regression },
    quiet: r.status === "acknowledged",
  };
}

const subjectIds = (subjects: string[], prefix: string) => subjects.filter((s) => s.startsWith(prefix)).map((s) => Number(s.slice(prefix.length)));

// One SELECT for every incident query: the latest event's severity (from the partial index) and the filter.
function incidentQuery(tx: Tx, rule: RuleToEvaluate, where: Prisma.Sql, limit = MAX_FRESH): Promise<IncidentRow[]> {
  const f = rule.filter;
  return tx.$queryRaw<IncidentRow[]>`
    SELECT * FROM (
      SELECT i.id, i.kind, i.title, s.name AS source, i.count, i.status, i.regression, i."firstSeen", i."lastSeen",
        COALESCE((SELECT e.severity FROM "Event" e WHERE e."incidentId" = i.id ORDER BY e."occurredAt" DESC LIMIT 1), 'error') AS severity
      FROM "Incident" i LEFT JOIN "Source" s ON s.id = i."sourceId"
      WHERE (cardinality(${f.kinds}::text[]) = 0 OR i.kind = ANY(${f.kinds}::text[]))
        AND (cardinality(${f.sources}::text[]) = 0 OR s.name = ANY(${f.sources}::text[]))
        AND ${where}
    ) i
    WHERE cardinality(${f.severities}::text[]) = 0 OR (CASE WHEN i.severity = 'debug' THEN 'info' ELSE i.severity END) = ANY(${f.severities}::text[])
    ORDER BY i.id LIMIT ${limit}`;
}

const sql = Prisma.sql;

// Not yet announced by this rule (firingOnly: or announced and since recovered, for a regression).
const notAnnounced = (rule: RuleToEvaluate, firingOnly: boolean) => {
  return firingOnly
    ? Prisma.sql`NOT EXISTS (SELECT 1 FROM "AlertState" st WHERE st."ruleId" = ${rule.id} AND st.subject = 'incident:' || i.id AND st.firing)`
    : Prisma.sql`NOT EXISTS (SELECT 1 FROM "AlertState" st WHERE st."ruleId" = ${rule.id} AND st.subject = 'incident:' || i.id)`;
};

async function firingIncidents(tx: Tx, rule: RuleToEvaluate, firing: string[], extra = sql`TRUE`): Promise<AlertCondition[]> {
  const ids = subjectIds(firing, "incident:");
  if (!ids.length) return [];
  // Muted or resolved incidents are not current: the evaluator sends their recovery.
  const rows = await incidentQuery(
    tx,
    { ...rule, filter: { kinds: [], sources: [], severities: [] } },
    sql`i.id = ANY(${ids}::int[]) AND i.status IN ('open', 'acknowledged') AND ${extra}`,
    ids.length,
  );
  return rows.map(incidentCondition);
}

const newIncident: TriggerFinder = {
  level: false,
  async find(tx, rule, _now, firing) {
    const fresh = await incidentQuery(
      tx,
      rule,
      sql`i."createdAt" >= ${rule.activeSince} AND i."createdAt" >= ${rule.createdFloor ?? rule.activeSince} AND i.status <> 'muted' AND ${notAnnounced(rule, false)}`,
    );
    return { fresh: fresh.map(incidentCondition), current: await firingIncidents(tx, rule, firing) };
  },
};

// Recurred since the rule began: by the event's time, or (an old log read late) by when it arrived.
const regression: TriggerFinder = {
  level: false,
  async find(tx, rule, _now, firing) {
    const fresh = await incidentQuery(
      tx,
      rule,
      sql`i.regression AND i.status IN ('open', 'acknowledged') AND ${notAnnounced(rule, true)}
      AND (i."lastSeen" >= ${rule.activeSince} OR EXISTS (SELECT 1 FROM "Event" e WHERE e."incidentId" = i.id AND e."ingestedAt" >= ${rule.activeSince}))`,
    );
    return { fresh: fresh.map(incidentCondition), current: await firingIncidents(tx, rule, firing) };
  },
};

const rate: TriggerFinder = {
  level: true,
  async find(tx, rule, now) {
    const { perMinute, minutes } = rule.params as { perMinute: number; minutes: number };
    // Whole minutes only: the current one is still filling.
    const to = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
    const from = new Date(to.getTime() - minutes * 60_000);
    const rows = await incidentQuery(
      tx,
      rule,
      sql`i.status IN ('open', 'acknowledged') AND i.id IN (
        SELECT "incidentId" FROM "IncidentMinute" WHERE minute >= ${from} AND minute < ${to}
        GROUP BY "incidentId" HAVING count(*) = ${minutes} AND min(count) > ${perMinute})`,
    );
    const current = rows.map((r) => ({ ...incidentCondition(r), subject: `rate:${r.id}`, details: { regression: r.regression, perMinute, minutes } }));
    return { fresh: current, current };
  },
};

type CapacityRow = { sourceId: number; source: string; config: Record<string, unknown>; metric: string; value: number; limit: number | null; sampledAt: Date };

const capacity: TriggerFinder = {
  level: true,
  async find(tx, rule, now) {
    const want = (rule.params as { level: "warn" | "critical" }).level;
    const f = rule.filter;
    const rows = await tx.$queryRaw<CapacityRow[]>`
      SELECT DISTINCT ON (c."sourceId", c.metric) c."sourceId", s.name AS source, s.config, c.metric, c.value, c."limit", c."sampledAt"
      FROM "CapacitySample" c JOIN "Source" s ON s.id = c."sourceId"
      WHERE c."sampledAt" > ${new Date(now.getTime() - 5 * 60_000)} AND c."sampledAt" <= ${now}
        AND (cardinality(${f.sources}::text[]) = 0 OR s.name = ANY(${f.sources}::text[]))
        AND (cardinality(${f.kinds}::text[]) = 0 OR c.metric = ANY(${f.kinds}::text[]))
      ORDER BY c."sourceId", c.metric, c."sampledAt" DESC`;
    const current: AlertCondition[] = [];
    for (const r of rows) {
      const level = levelOf(r.value, r.limit, thresholdsFor(r.config ?? {}));
      if (!(level === "critical" || (level === "warn" && want === "warn"))) continue;
      const severity: AlertSeverity = level === "critical" ? "critical" : "warning";
      if (f.severities.length && !f.severities.includes(severity)) continue;
      const pct = r.limit ? Math.round((r.value / r.limit) * 100) : null;
      current.push({
        subject: `capacity:${r.sourceId}:${r.metric}`,
        title: `${r.source}: ${r.metric} at ${pct}% of its limit (${r.value} of ${r.limit}, ${level})`,
        kind: r.metric,
        source: r.source,
        severity,
        count: Math.round(r.value),
        firstSeen: r.sampledAt.toISOString(),
        lastSeen: r.sampledAt.toISOString(),
        url: publicLink("/capacity"),
        details: { metric: r.metric, value: r.value, limit: r.limit, level },
      });
    }
    return { fresh: current, current };
  },
};

const stuckLock: TriggerFinder = {
  level: true,
  async find(tx, rule, now) {
    const { seconds } = rule.params as { seconds: number };
    // Stuck since it was first seen stuck, or since it was stuck again (a regression reopens it).
    const rows = await incidentQuery(
      tx,
      { ...rule, filter: { ...rule.filter, kinds: [] } },
      sql`i.kind = ${ADVISORY_LOCK_STUCK} AND i.status IN ('open', 'acknowledged')
        AND (CASE WHEN i.regression THEN COALESCE(i."statusChangedAt", i."firstSeen") ELSE i."firstSeen" END) <= ${new Date(now.getTime() - seconds * 1000)}`,
    );
    const current = rows.map((r) => ({
      ...incidentCondition(r),
      subject: `stuck:${r.id}`,
      details: { regression: r.regression, stuckLongerThanSeconds: seconds },
    }));
    return { fresh: current, current };
  },
};

type SourceRow = { id: number; name: string; kind: string; healthError: string | null; downSince: Date; lastCheckedAt: Date | null };

const sourceDown: TriggerFinder = {
  level: true,
  async find(tx, rule, now) {
    const { minutes } = rule.params as { minutes: number };
    const f = rule.filter;
    const rows = await tx.$queryRaw<SourceRow[]>`
      SELECT id, name, kind, "healthError", "downSince", "lastCheckedAt" FROM "Source"
      WHERE "healthStatus" = 'down' AND "downSince" <= ${new Date(now.getTime() - minutes * 60_000)}
        AND (cardinality(${f.sources}::text[]) = 0 OR name = ANY(${f.sources}::text[]))
        AND (cardinality(${f.kinds}::text[]) = 0 OR kind = ANY(${f.kinds}::text[]))`;
    const current =
      f.severities.length && !f.severities.includes("critical")
        ? []
        : rows.map((r): AlertCondition => ({
            subject: `source:${r.id}`,
            title: `${r.name} unreachable since ${r.downSince.toISOString()}${r.healthError ? `: ${r.healthError}` : ""}`,
            kind: r.kind,
            source: r.name,
            severity: "critical",
            count: Math.floor((now.getTime() - r.downSince.getTime()) / 60_000),
            firstSeen: r.downSince.toISOString(),
            lastSeen: (r.lastCheckedAt ?? now).toISOString(),
            url: publicLink("/sources"),
            details: { error: r.healthError, downMinutes: Math.floor((now.getTime() - r.downSince.getTime()) / 60_000) },
          }));
    return { fresh: current, current };
  },
};

type ReplayRow = { id: number; status: string; total: number; failed: number; actor: string; startedAt: Date | null; finishedAt: Date; error: string | null };

const replayFailed: TriggerFinder = {
  level: false,
  oneShot: true,
  async find(tx, rule) {
    const f = rule.filter;
    const rows = await tx.$queryRaw<ReplayRow[]>`
      SELECT r.id, r.status, r.total, r.actor, r."startedAt", r."finishedAt", r.error,
        (SELECT count(*)::int FROM "ReplayRunItem" it WHERE it."replayRunId" = r.id AND it.outcome IN ('failed', 'conflict')) AS failed
      FROM "ReplayRun" r
      WHERE r.status IN ('done', 'failed') AND r."finishedAt" >= ${rule.activeSince}
        AND NOT EXISTS (SELECT 1 FROM "AlertState" st WHERE st."ruleId" = ${rule.id} AND st.subject = 'replay:' || r.id)
        AND (cardinality(${f.sources}::text[]) = 0 OR EXISTS (
          SELECT 1 FROM "ReplayRunItem" it JOIN "FailedWrite" w ON w.id = it."failedWriteId" JOIN "Source" s ON s.id = w."sourceId"
          WHERE it."replayRunId" = r.id AND s.name = ANY(${f.sources}::text[])))
      ORDER BY r.id LIMIT ${MAX_FRESH}`;
    const severity: AlertSeverity = "error";
    const fresh = rows
      .filter((r) => r.status === "failed" || r.failed > 0)
      .filter(() => !f.severities.length || f.severities.includes(severity))
      .map((r): AlertCondition => ({
        subject: `replay:${r.id}`,
        title:
          r.status === "failed"
            ? `Replay run #${r.id} failed: ${r.error ?? "stopped"}`
            : `Replay run #${r.id} ended with ${r.failed} of ${r.total} writes failed or in conflict`,
        kind: "replay_run",
        source: null,
        severity,
        count: r.failed,
        firstSeen: (r.startedAt ?? r.finishedAt).toISOString(),
        lastSeen: r.finishedAt.toISOString(),
        url: publicLink("/failed-writes"),
        status: r.status,
        details: { replayRunId: r.id, total: r.total, failed: r.failed, startedBy: r.actor },
      }));
    return { fresh, current: [] };
  },
};

export const TRIGGER_FINDERS: Record<AlertTrigger, TriggerFinder> = {
  new_incident: newIncident,
  regression,
  rate,
  capacity,
  stuck_lock: stuckLock,
  replay_failed: replayFailed,
  source_down: sourceDown,
};
