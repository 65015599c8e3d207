const STYLE: Record<string, string> = {
  pending: "bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-200",
  replaying: "bg-violet-100 text-violet-800 dark:bg-violet-950 dark:text-violet-200",
  applied: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200",
  already_present: "bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
  conflict: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-200",
  failed: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200",
};

export const statusLabel = (s: string) => s.replace("_", " ");

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${STYLE[status] ?? ""}`} data-testid="fw-status">
      {statusLabel(status)}
    </span>
  );
}
