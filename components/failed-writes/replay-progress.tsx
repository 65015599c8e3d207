"use client";

import { useReplayProgress } from "@/components/data/failed-writes-query";
import { ErrorNotice } from "@/components/ui/loading-panel";
import { statusLabel } from "./status-badge";

export function ReplayProgressBar({ runId }: { runId: number }) {
  const { data, error } = useReplayProgress(runId);
  if (error) return <ErrorNotice error={error} />;
  if (!data)
    return (
      <p className="text-sm text-slate-500" role="status">
        Starting replay…
      </p>
    );
  const pct = data.total ? Math.round((data.processed / data.total) * 100) : 100;
  return (
    <div className="rounded border border-slate-200 p-3 text-sm dark:border-slate-800" data-testid="replay-progress">
      <div className="mb-1 flex justify-between">
        <span>
          Replay #{data.id}: {data.status}
        </span>
        <span>
          {data.processed} / {data.total}
        </span>
      </div>
      <div className="h-2 overflow-hidden rounded bg-slate-200 dark:bg-slate-800" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
        <div className="h-full bg-emerald-500 transition-all" style={{ width: `${pct}%` }} />
      </div>
      <p className="mt-1 text-slate-600 dark:text-slate-400">
        {Object.entries(data.counts)
          .map(([k, n]) => `${n} ${statusLabel(k)}`)
          .join(" · ") || "nothing settled yet"}
      </p>
    </div>
  );
}
