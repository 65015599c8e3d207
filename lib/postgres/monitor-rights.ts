import type { MonitorRights } from "./lock-model";
import type { MonitorRightsRow } from "./lock-snapshot-sql";

export function toMonitorRights(r: MonitorRightsRow): MonitorRights {
  const messages: string[] = [];
  const role = JSON.stringify(r.role);
  if (!r.superuser && !r.pg_monitor) {
    messages.push(
      `The monitoring role ${role} lacks pg_monitor: other users' queries, client addresses and states show as hidden. Grant it with: GRANT pg_monitor TO ${role};`,
    );
  }
  if (!r.superuser && !r.pg_signal_backend) {
    messages.push(
      `The monitoring role ${role} lacks pg_signal_backend: it cannot cancel or terminate other roles' sessions, so Release is refused for them. Grant it with: GRANT pg_signal_backend TO ${role};`,
    );
  }
  return { role: r.role, superuser: r.superuser, pgMonitor: r.superuser || r.pg_monitor, pgSignalBackend: r.superuser || r.pg_signal_backend, messages };
}

/**
 * The store's own server and database when a monitored URL points at the same server, so its
 * sessions (the dashboard's Prisma pool) are marked as ours and never offered as targets.
 */
export function storeDatabaseOn(monitoredUrl: string, storeUrl = process.env.DATABASE_URL): string | null {
  if (!storeUrl) return null;
  try {
    const a = new URL(monitoredUrl);
    const b = new URL(storeUrl);
    const norm = (h: string) => (h === "localhost" || h === "[::1]" ? "127.0.0.1" : h);
    const same = norm(a.hostname) === norm(b.hostname) && (a.port || "5432") === (b.port || "5432");
    return same ? decodeURIComponent(b.pathname.slice(1)) || "postgres" : null;
  } catch {
    return null;
  }
}
