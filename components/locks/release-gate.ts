import { needsRole } from "@/components/auth/actor-context";

/**
 * Why the Release of a holder cannot be pressed (undefined: it can): a viewer, one of Lockboard's
 * own connections, or a holder whose start time the monitoring role cannot see (release
 * re-verifies pid + backend_start, so without it nothing can be checked).
 */
export function releaseBlockedReason(canAct: boolean, holder: { own: boolean; backendStart: string | null }): string | undefined {
  if (!canAct) return `Read-only: ${needsRole("operator")}`;
  if (holder.own) return "one of Lockboard's own connections";
  if (!holder.backendStart) return "start time hidden: the monitoring role lacks pg_monitor";
  return undefined;
}
