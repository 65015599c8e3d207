/**
 * Which sources an incident's context belongs to: its own source, a database on the same server
 * (same host:port, and the same database for PostgreSQL), or a capacity/process source configured
 * to watch it (config.eventSources). Everything else sampled at that time is only "also".
 */

export type SourceRef = { id: number; name: string; kind: string; maskedUrl: string | null; config: Record<string, unknown> };
export type Relation = { related: boolean; why: string };

const LOCALHOST = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

/** `host:port/database` of a postgres URL, `host:port` of a mongodb or http one; null without a URL. */
export function serverOf(s: Pick<SourceRef, "kind" | "maskedUrl">): { host: string; database: string | null } | null {
  if (!s.maskedUrl) return null;
  try {
    const u = new URL(s.maskedUrl);
    const host = LOCALHOST.has(u.hostname) ? "localhost" : u.hostname.toLowerCase();
    const port = u.port || (s.kind === "postgres" ? "5432" : s.kind === "mongodb" ? "27017" : u.protocol === "https:" ? "443" : "80");
    const database = s.kind === "postgres" ? decodeURIComponent(u.pathname.replace(/^\//, "")) || null : null;
    return { host: `${host}:${port}`, database };
  } catch {
    return null;
  }
}

const listed = (s: SourceRef, name: string) => Array.isArray(s.config.eventSources) && (s.config.eventSources as unknown[]).includes(name);

export function relationTo(incident: SourceRef | null, other: SourceRef): Relation {
  if (!incident) return { related: false, why: "the incident has no source" };
  if (incident.id === other.id) return { related: true, why: "this incident's source" };
  if (listed(other, incident.name)) return { related: true, why: `watches ${incident.name}'s process (config.eventSources)` };
  if (listed(incident, other.name)) return { related: true, why: `${incident.name} reads its events from it` };
  const a = serverOf(incident);
  const b = serverOf(other);
  if (a && b && a.host === b.host && (a.database === null || b.database === null || a.database === b.database))
    return { related: true, why: `same server (${a.host}${a.database && b.database ? `/${a.database}` : ""})` };
  return { related: false, why: other.kind === "process" || other.kind === "prometheus" ? "another process" : "another server" };
}
