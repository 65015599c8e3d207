// No "server-only": the Settings page's forms offer these triggers and types.
import { z } from "zod";
import { textParam } from "../http/params";

export const ALERT_TRIGGERS = {
  new_incident: "a new incident opens",
  regression: "a resolved incident happens again",
  rate: "an incident's rate stays over N events/min for M minutes",
  capacity: "a capacity metric reaches warn or critical",
  stuck_lock: "an advisory lock stays stuck longer than N seconds",
  replay_failed: "a replay run ends with failures",
  source_down: "a source stays unreachable for N minutes",
} as const;
export type AlertTrigger = keyof typeof ALERT_TRIGGERS;
export const ALERT_TRIGGER_NAMES = Object.keys(ALERT_TRIGGERS) as AlertTrigger[];

export const DESTINATION_TYPES = ["webhook", "slack", "pagerduty"] as const;
export type DestinationType = (typeof DESTINATION_TYPES)[number];

export const ALERT_SEVERITIES = ["critical", "error", "warning", "info"] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** PagerDuty's Events API v2 endpoint, used when a pagerduty destination names no URL. */
export const PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";

const name = textParam(80);
const list = z.array(textParam(120)).max(50).default([]);

export const AlertFilterSchema = z
  .object({ kinds: list, sources: list, severities: z.array(z.enum(ALERT_SEVERITIES)).max(4).default([]) })
  .strict()
  .default({ kinds: [], sources: [], severities: [] });
export type AlertFilter = z.output<typeof AlertFilterSchema>;

const count = (max: number) => z.number().int().min(1).max(max);

/** Each trigger's numbers, checked for that trigger (a 400 names e.g. "params.perMinute"). */
const PARAMS = {
  new_incident: z.object({}).strict(),
  regression: z.object({}).strict(),
  rate: z.object({ perMinute: count(10_000_000), minutes: count(1440) }).strict(),
  capacity: z.object({ level: z.enum(["warn", "critical"]) }).strict(),
  stuck_lock: z.object({ seconds: count(604_800) }).strict(),
  replay_failed: z.object({}).strict(),
  source_down: z.object({ minutes: count(10_080) }).strict(),
} satisfies Record<AlertTrigger, z.ZodType>;

export const AlertRuleInputSchema = z
  .object({
    name,
    trigger: z.enum(ALERT_TRIGGER_NAMES as [AlertTrigger, ...AlertTrigger[]]),
    params: z.record(z.string(), z.unknown()).default({}),
    filter: AlertFilterSchema,
    /** Destination names. */
    destinations: z.array(name).min(1).max(20),
    reminderMinutes: z.number().int().min(0).max(10_080).default(60),
    paused: z.boolean().default(false),
  })
  .strict()
  .transform((r, ctx) => {
    const parsed = PARAMS[r.trigger].safeParse(r.params);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: ["params", ...issue.path] } as never);
      return z.NEVER;
    }
    return { ...r, params: parsed.data as Record<string, unknown> };
  });
export type AlertRuleInput = z.input<typeof AlertRuleInputSchema>;
export type AlertRuleValues = z.output<typeof AlertRuleInputSchema>;

const httpUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((u) => {
    try {
      const p = new URL(u).protocol;
      return p === "http:" || p === "https:";
    } catch {
      return false;
    }
  }, "must be an http:// or https:// URL");

/**
 * A destination. `url` and `secret` may be left out on an update to keep what is stored; a
 * pagerduty destination's url defaults to PagerDuty's own and its secret is the routing key.
 */
export const AlertDestinationInputSchema = z
  .object({
    name,
    type: z.enum(DESTINATION_TYPES),
    url: httpUrl.optional(),
    secret: z.string().min(1).max(500).optional(),
  })
  .strict();
export type AlertDestinationInput = z.input<typeof AlertDestinationInputSchema>;

/** LOCKBOARD_ALERTS_FILE: `{ "destinations": [...], "rules": [...] }`, each as the API takes it. */
export const AlertsFileSchema = z
  .object({
    destinations: z.array(AlertDestinationInputSchema).default([]),
    rules: z.array(AlertRuleInputSchema).default([]),
  })
  .strict();
