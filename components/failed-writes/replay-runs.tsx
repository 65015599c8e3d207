"use client";

import { useReplayRuns } from "@/components/data/failed-writes-query";
import { LoadingPanel } from "@/components/ui/loading-panel";
import { CARD } from "@/components/ui/panel";
import { TimeAgo } from "@/components/ui/time-ago";
import type { ReplayRunRow } from "@/lib/replay/list-replay-runs";
import { statusLabel } from "./status-badge";

const TH = "px-3 py-2 font-medium";

const outcome = (r: ReplayRunRow) => {
  const parts = Object.entries(r.counts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k === "waiting" ? "waiting" : statusLabel(k)}`);
  return parts.join(" · ") || (r.total === 0 ? "nothing to replay" : "—");
};

// The replayer ids mean something to whoever reads the server's logs: kept, behind a tooltip.
const technical = (r: ReplayRunRow) =>
  r.workers.length ? r.workers.map((w) => `replayer ${w.owner} (${w.workedFrom})`).join("\n") : `run #${r.id}: no replayer has taken it up yet`;

/** Who started each recent run, from where, why, and how it ended. */
export function ReplayRuns() {
  const { data, isLoading, error } = useReplayRuns();
  const items = data?.items ?? [];
  return (
    <section className={`${CARD} mt-6 overflow-x-auto`} aria-label="Replay runs">
      <h2 className="border-b border-slate-200 px-3 py-2 text-sm font-medium dark:border-slate-800">Replay runs</h2>
      <LoadingPanel
        isLoading={isLoading}
        error={error}
        isEmpty={items.length === 0}
        empty={<p className="p-3 text-sm text-slate-500">No replay has run yet.</p>}
      >
        <table className="w-full min-w-[760px] text-left text-sm">
          <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500 dark:border-slate-800">
            <tr>
              <th className={TH}>Run</th>
              <th className={TH}>Started</th>
              <th className={TH}>Started by</th>
              <th className={TH}>Reason</th>
              <th className={TH}>Writes</th>
              <th className={TH}>Outcome</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr
                key={r.id}
                className="border-b border-slate-100 align-top last:border-0 dark:border-slate-800"
                data-testid="replay-run-row"
                data-run-id={r.id}
              >
                <td className="px-3 py-2 font-mono text-xs">#{r.id}</td>
                <td className="whitespace-nowrap px-3 py-2">
                  <TimeAgo iso={r.createdAt} />
                </td>
                <td className="px-3 py-2" title={technical(r)} data-testid="replay-run-by">
                  <span className="font-medium">{r.starter.who}</span>
                  {r.starter.where && <span className="text-slate-500"> {r.starter.where}</span>}
                </td>
                <td className="px-3 py-2 [overflow-wrap:anywhere]">{r.reason ?? <span className="text-slate-400">none recorded</span>}</td>
                <td className="px-3 py-2">{r.total}</td>
                <td className="px-3 py-2">
                  <span className={r.status === "failed" ? "text-red-700 dark:text-red-300" : ""}>{r.status === "done" ? "" : `${r.status}: `}</span>
                  {outcome(r)}
                  {r.error && <div className="text-xs text-red-700 dark:text-red-300">{r.error}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </LoadingPanel>
    </section>
  );
}
