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
