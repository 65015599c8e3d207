"use client";

import { ActorProvider, useActor } from "@/components/auth/actor-context";
import { useLockSnapshotAt, type LockSnapshotAt } from "@/components/data/locks-query";
import { LoadingPanel } from "@/components/ui/loading-panel";
import { AdvisoryTable } from "./advisory-table";
import { BlockingTree } from "./blocking-tree";
import { formatClock, formatMs } from "./format";

/** The lock picture as last sampled at or before `at`: never mistaken for the live one, never acted on. */
export function PastSnapshotPanel({ source, at, onLive }: { source: string; at: string; onLive: () => void }) {
  const { data, isLoading, error } = useLockSnapshotAt(source, at);
  const actor = useActor();
  const asked = Number.isFinite(Date.parse(at)) ? formatClock(at) : at;
  return (
    <section aria-label={`Locks of ${source} in the past`} className="space-y-4">
      <div
        role="status"
        data-testid="as-of-banner"
        className="flex flex-wrap items-center gap-x-4 gap-y-2 rounded-lg border-2 border-sky-500 bg-sky-50 px-4 py-3 text-sky-950 dark:bg-sky-950 dark:text-sky-100"
      >
        <div className="flex-1">
          <p className="text-base font-semibold">{banner(data, asked)}</p>
          <p className="text-sm">{detail(data, asked)}</p>
        </div>
        <button
          type="button"
          onClick={onLive}
          className="rounded border border-sky-700 bg-white px-3 py-1.5 text-sm font-medium text-sky-900 dark:bg-sky-900 dark:text-sky-50"
        >
          Back to live
        </button>
      </div>
      <LoadingPanel isLoading={isLoading} error={error}>
        {data?.found && (
          // The tables come from the live page, without their actions (and with a viewer's rights): no Release
          // or Terminate, since the holders of a past picture may be long gone or someone else now.
          <ActorProvider actor={actor ? { ...actor, role: "viewer" } : null}>
            <p className="text-sm text-slate-600 dark:text-slate-400">
              Sampled {formatClock(data.asOf)} · {data.caps.locksTotal.toLocaleString()} locks, {data.caps.backendsTotal.toLocaleString()} backends holding
              locks
              {data.stuckAfterMs ? ` · stuck after ${formatMs(data.stuckAfterMs)}` : ""} · queries cut to their first characters
            </p>
            {data.rowsCapped && (
              <p
                data-testid="sample-capped"
                className="rounded border border-sky-300 bg-sky-50 p-2 text-sm text-sky-900 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-200"
              >
                This sample hit its row cap (LOCKBOARD_LOCK_SAMPLE_MAX_ROWS): waits and advisory locks were kept first, some blockers may be missing.
              </p>
            )}
            <AdvisoryTable snap={data} onRelease={null} />
            <BlockingTree snap={data} onAct={null} />
          </ActorProvider>
        )}
      </LoadingPanel>
    </section>
  );
}

function banner(data: LockSnapshotAt | undefined, asked: string): string {
  if (!data) return `Looking up the locks as of ${asked} (sampled), not live`;
  if (!data.found) return `No lock sample at or before ${asked}: not live`;
  return `As of ${formatClock(data.asOf)} (sampled), not live`;
}

function detail(data: LockSnapshotAt | undefined, asked: string): string {
  if (!data) return "The page shows what the sampler stored, never the live picture, until you go back to live.";
  if (!data.found) {
    return data.oldestSample
      ? `The oldest sample kept is from ${formatClock(data.oldestSample)}; older ones are past the retention (LOCKBOARD_LOCK_SAMPLE_RETENTION_HOURS).`
      : "Nothing has been sampled for this source yet.";
  }
  const gap = data.offsetMs === 0 ? "taken exactly at" : `taken ${formatMs(data.offsetMs)} before`;
  const stale = data.offsetMs > 60_000 ? " The sampler recorded nothing in between: the picture may be out of date for that moment." : "";
  return `The last sample at or before ${asked}, ${gap} the time asked. Holders, waiters and the blocking tree are as that sample saw them.${stale}`;
}
