// No "server-only": the Audit page's filter offers these names.

/**
 * Every action the ActionLog records, `noun.verb`. A new action path adds its name here; rows
 * written under older names are renamed by migration 20261201000300_audit_action_names.
 */
export const AUDIT_ACTIONS = {
  "incident.status": "an incident's status set (one row per incident, the before state kept)",
  "lock.release": "an advisory lock released by ending its holder",
  "lock.cancel": "a blocking backend's query cancelled",
  "lock.terminate": "a blocking backend's session terminated",
  "user.create": "an account created (Settings, `npm run user`, the first start, single sign-on)",
  "user.role": "an account's role changed",
  "token.create": "an API token created",
  "token.revoke": "an API token revoked",
  "source.create": "a source added through the API",
  "source.update": "a source's settings changed through the API",
  "replay.start": "a replay run created: its selection frozen",
  "replay.run": "a replay run finished: the counts of its outcomes",
  "replay.retry": "the retry job replayed writes due again",
  "failed_write.import": "failed writes imported from NDJSON",
  "alert_rule.create": "an alert rule created (Settings or LOCKBOARD_ALERTS_FILE)",
  "alert_rule.update": "an alert rule changed, paused or resumed",
  "alert_rule.delete": "an alert rule deleted",
  "alert_destination.create": "an alert destination created (its URL masked, never its secret)",
  "alert_destination.update": "an alert destination changed",
  "alert_destination.delete": "an alert destination deleted",
  "alert_destination.test": "a test message sent to an alert destination",
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;
export const AUDIT_ACTION_NAMES = Object.keys(AUDIT_ACTIONS) as AuditAction[];
