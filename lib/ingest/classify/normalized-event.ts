import "server-only";
import type { ExtractedEntity } from "./entities";

export type NormalizedEvent = {
  eventKey: string;
  occurredAt: Date;
  kind: string;
  severity: string;
  message: string;
  /** Incident title; empty when the event opens no incident. */
  title: string;
  fingerprint: string;
  /** What tells this incident from others of its kind on the source (a constraint, index, lock key); stored on the incident. */
  subject?: string | null;
  /** Set by the ingest pipeline from the catalog; callers that build events themselves may leave it to `opensIncident`. */
  opensIncident?: boolean;
  raw: string;
  fields: Record<string, unknown>;
  entities: ExtractedEntity[];
};

/** Informational lines (checkpoints, startup) and unparsed lines are kept as events but open no incident. */
export function opensIncident(e: Pick<NormalizedEvent, "kind" | "severity" | "opensIncident">): boolean {
  if (e.opensIncident !== undefined) return e.opensIncident;
  if (e.kind === "unparsed") return false;
  return e.kind !== "unclassified" || e.severity === "error" || e.severity === "critical" || e.severity === "warning";
}

/**
 * Lines kept for LOCKBOARD_NOISE_RETENTION_DAYS instead of LOCKBOARD_EVENT_RETENTION_DAYS (their own
 * partitions: migration 20261202000000_event_partitions): unparsed or unclassified, opening no incident.
 */
export function isNoise(e: Pick<NormalizedEvent, "kind" | "severity" | "opensIncident">): boolean {
  return (e.kind === "unparsed" || e.kind === "unclassified") && !opensIncident(e);
}

/** Keeps the first of events sharing a key (a pushed batch may repeat a line). */
export function uniqueByKey(events: NormalizedEvent[]): NormalizedEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => !seen.has(e.eventKey) && (seen.add(e.eventKey), true));
}
