import Link from "next/link";
import type { Overview } from "@/components/data/overview-query";
import { TimeAgo } from "@/components/ui/time-ago";

const secs = (ms: number | null) => (ms === null ? "—" : ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`);

/** Waiters right now (the latest lock sample per monitored PostgreSQL) and stuck advisory locks. */
export function LocksNow({ overview }: { overview: Overview }) {
  const { locks, stuckLocks } = overview;
  return (
    <div className="space-y-3 text-sm" data-testid="locks-now">
      {locks.length === 0 && <p className="text-slate-500">No recent lock sample: no monitored PostgreSQL, or its sampler is not running.</p>}
      {locks.map((l) => (
        <div key={l.source}>
          <p>
            <Link className="font-medium underline" href={`/locks?source=${encodeURIComponent(l.source)}`}>
              {l.source}
            </Link>
            : <span data-testid="lock-waiters">{l.waiters} waiting</span>, longest {secs(l.longestWaitMs)}
            {l.stuck > 0 && <span className="font-medium text-red-600"> · {l.stuck} stuck</span>}
            {l.sampledAt && (
              <span className="text-xs text-slate-500">
                {" "}
                · sampled <TimeAgo iso={l.sampledAt} />
              </span>
            )}
          </p>
          {l.waiting.length > 0 && (
            <ul className="ml-4 list-disc text-xs text-slate-600 dark:text-slate-400">
              {l.waiting.slice(0, 5).map((w) => (
                <li key={`${w.pid}-${w.lock}`}>
                  pid {w.pid} waits {secs(w.waitMs)} for {w.lock}
                  {w.blockedBy.length ? `, blocked by ${w.blockedBy.join(", ")}` : ""}
                </li>
              ))}
            </ul>
          )}
        </div>
      ))}
      {stuckLocks.length > 0 && (
        <ul className="space-y-1" aria-label="Stuck locks">
          {stuckLocks.map((s) => (
            <li key={s.id} className="text-red-700 dark:text-red-300" data-testid="stuck-lock">
              <Link className="underline" href={`/incidents/${s.id}`}>
                {s.title}
              </Link>{" "}
              <span className="text-xs">
                (<TimeAgo iso={s.lastSeen} />, {s.status})
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
