import { TimeAgo } from "@/components/ui/time-ago";

export const STATUS_STYLE: Record<string, string> = {
  open: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200",
  acknowledged: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-200",
  resolved: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200",
  muted: "bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
};

export const KIND_LABEL: Record<string, string> = {
  duplicate_key: "Duplicate key",
  deadlock: "Deadlock",
  serialization_failure: "Serialization failure",
  lock_timeout: "Lock timeout",
  lock_wait: "Lock wait",
  lock_acquired: "Lock acquired after waiting",
  lock_not_available: "Vacuum skipped (lock)",
  recovery_conflict: "Recovery conflict",
  advisory_lock_stuck: "Stuck advisory lock",
  statement_timeout: "Statement timeout",
  storage_busy: "Storage busy",
  http_429: "HTTP 429",
  too_many_connections: "Too many connections",
  fd_exhaustion: "Out of file descriptors",
  pool_timeout: "Pool timeout",
  headers_sent: "Headers sent twice",
  upstream_failure: "Upstream failure",
  capacity_threshold: "Capacity threshold",
  unclassified: "Unclassified",
};

export function StatusBadge({ status, regression, by, at }: { status: string; regression: boolean; by?: string | null; at?: string | null }) {
  return (
    <span className="inline-flex flex-wrap items-center gap-1">
      <span data-testid="incident-status" className={`rounded px-2 py-0.5 text-xs ${STATUS_STYLE[status] ?? ""}`}>
        {status}
      </span>
      {regression && (
        <span
          data-testid="regression-badge"
          title="It was resolved, then happened again"
          className="rounded bg-red-600 px-1.5 py-0.5 text-xs font-medium text-white"
        >
          regression
        </span>
      )}
      {by && (
        <span className="text-xs text-slate-500">
          by {by}
          {at && (
            <>
              {" "}
              · <TimeAgo iso={at} />
            </>
          )}
        </span>
      )}
    </span>
  );
}
