/** Ingested events (kinds of the ingestion catalog) that explain a limit being hit, drawn over that metric's chart. */
export const OVERLAY_KINDS: Record<string, string[]> = {
  pg_connections: ["too_many_connections", "pool_timeout"],
  mongo_connections: ["too_many_connections", "pool_timeout"],
  open_fds: ["fd_exhaustion"],
};

/**
 * The sources whose events belong on this source's charts: itself (a PostgreSQL source's own
 * server log) and the log sources named in `config.eventSources` (a process's or a metrics
 * endpoint's application log, e.g. the demo's model-server for model-server-fds).
 */
export function eventSourceNames(config: Record<string, unknown>): string[] {
  const v = config.eventSources;
  const list = typeof v === "string" ? [v] : Array.isArray(v) ? v : [];
  return list.filter((s): s is string => typeof s === "string" && s.length > 0 && s.length <= 200).slice(0, 20);
}

export type EventBucket = { t: number; last: number; kind: string; count: number };
/** One marker, or several close ones collapsed into a band (so labels never overlap). */
export type MarkerBand = { from: number; to: number; count: number; kinds: Record<string, number> };

/** Buckets closer than `minGapMs` join one band. */
export function collapseMarkers(buckets: EventBucket[], minGapMs: number): MarkerBand[] {
  const sorted = [...buckets].sort((a, b) => a.t - b.t);
  const bands: MarkerBand[] = [];
  for (const b of sorted) {
    const cur = bands[bands.length - 1];
    if (cur && b.t - cur.to <= minGapMs) {
      cur.to = Math.max(cur.to, b.last);
      cur.count += b.count;
      cur.kinds[b.kind] = (cur.kinds[b.kind] ?? 0) + b.count;
    } else {
      bands.push({ from: b.t, to: Math.max(b.t, b.last), count: b.count, kinds: { [b.kind]: b.count } });
    }
  }
  return bands;
}
