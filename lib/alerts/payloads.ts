// Pure: the JSON each destination type receives (README "Alerts" documents these shapes).
import type { AlertSeverity, DestinationType } from "./alert-schemas";

export type AlertEvent = "trigger" | "reminder" | "resolve" | "test";

/** What a rule found about one subject: an incident, a source's metric, a source, a replay run. */
export type AlertCondition = {
  subject: string;
  title: string;
  kind: string;
  source: string | null;
  severity: AlertSeverity;
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** The page in Lockboard that shows it (LOCKBOARD_PUBLIC_URL + path). */
  url: string | null;
  status?: string;
  incidentId?: number;
  details?: Record<string, unknown>;
  /** Acknowledged: still firing, but no reminders. */
  quiet?: boolean;
};

export type AlertMessage = {
  event: AlertEvent;
  idempotencyKey: string;
  rule: { id: number; name: string; trigger: string } | null;
  condition: AlertCondition;
  at: string;
  reason?: string;
};

/** The generic webhook's body (version 1). */
export function webhookBody(m: AlertMessage) {
  const { quiet: _quiet, ...alert } = m.condition;
  return {
    version: 1,
    idempotencyKey: m.idempotencyKey,
    event: m.event,
    at: m.at,
    rule: m.rule,
    ...(m.reason ? { reason: m.reason } : {}),
    alert,
  };
}

const VERB: Record<AlertEvent, string> = { trigger: "Alert", reminder: "Still happening", resolve: "Resolved", test: "Test" };
const EMOJI: Record<AlertEvent, string> = { trigger: ":rotating_light:", reminder: ":repeat:", resolve: ":white_check_mark:", test: ":wave:" };

/** Slack incoming webhook: `text` for notifications, blocks for the message itself. */
export function slackBody(m: AlertMessage) {
  const c = m.condition;
  const title = `${EMOJI[m.event]} ${VERB[m.event]}: ${c.title}`;
  const fields = [
    `*Source*\n${c.source ?? "—"}`,
    `*Count*\n${c.count}`,
    `*First seen*\n${c.firstSeen}`,
    `*Last seen*\n${c.lastSeen}`,
    `*Kind*\n${c.kind}`,
    `*Severity*\n${c.severity}`,
  ].map((text) => ({ type: "mrkdwn", text }));
  const context = [m.rule ? `rule *${m.rule.name}*` : "a test from Lockboard", m.reason ?? "", `idempotency key ${m.idempotencyKey}`]
    .filter(Boolean)
    .join(" · ");
  return {
    text: `${VERB[m.event]}: ${c.title}${c.source ? ` (${c.source})` : ""}${c.url ? ` ${c.url}` : ""}`,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: c.url ? `*<${c.url}|${escapeSlack(title)}>*` : `*${escapeSlack(title)}*` } },
      { type: "section", fields },
      { type: "context", elements: [{ type: "mrkdwn", text: escapeSlack(context) }] },
      ...(c.url ? [{ type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open in Lockboard" }, url: c.url }] }] : []),
    ],
  };
}

// Slack reads & < > as markup in mrkdwn.
const escapeSlack = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** PagerDuty dedups on this: one PagerDuty incident per Lockboard incident (or subject). */
export const pagerDutyDedupKey = (subject: string) => `lockboard:${subject}`;

/**
 * PagerDuty Events API v2, without `routing_key`: the sender adds it from the destination's
 * encrypted secret, so the stored body never holds it.
 */
export function pagerDutyBody(m: AlertMessage) {
  const c = m.condition;
  const dedup_key = pagerDutyDedupKey(c.subject);
  if (m.event === "resolve") return { event_action: "resolve", dedup_key };
  return {
    event_action: "trigger",
    dedup_key,
    payload: {
      summary: `${c.title}${c.source ? ` (${c.source})` : ""}`.slice(0, 1024),
      source: c.source ?? "lockboard",
      severity: c.severity,
      timestamp: c.lastSeen,
      component: c.kind,
      group: m.rule?.name ?? "test",
      class: c.kind,
      custom_details: {
        count: c.count,
        firstSeen: c.firstSeen,
        lastSeen: c.lastSeen,
        status: c.status,
        event: m.event,
        idempotencyKey: m.idempotencyKey,
        ...c.details,
      },
    },
    client: "Lockboard",
    ...(c.url ? { client_url: c.url, links: [{ href: c.url, text: "Open in Lockboard" }] } : {}),
  };
}

export function renderBody(type: DestinationType, m: AlertMessage): Record<string, unknown> {
  if (type === "slack") return slackBody(m);
  if (type === "pagerduty") return pagerDutyBody(m);
  return webhookBody(m);
}

/** A link into Lockboard, or null when LOCKBOARD_PUBLIC_URL is not set. */
export function publicLink(path: string, env: Record<string, string | undefined> = process.env): string | null {
  const base = env.LOCKBOARD_PUBLIC_URL?.trim();
  if (!base) return null;
  try {
    // Relative to the base, so a dashboard served under a path (https://host/lockboard) keeps it.
    return new URL(path.replace(/^\/+/, ""), base.endsWith("/") ? base : `${base}/`).toString();
  } catch {
    return null;
  }
}
