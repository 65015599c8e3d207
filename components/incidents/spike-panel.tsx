import Link from "next/link";
import type { IncidentDetail } from "@/components/data/incidents-query";

const secs = (ms: number | null) => (ms === null ? "—" : ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`);
const pct = (f: number | null) => (f === null ? "" : ` (${Math.round(f * 100)}%)`);

/** The lock and capacity picture around the spike, with links into Locks and Capacity at that moment. */
export function SpikePanel({ detail }: { detail: IncidentDetail }) {
  const { spike, context } = detail;
  if (!spike) return <p className="text-sm text-slate-500">No events in this range, so no spike to look at.</p>;
  const at = encodeURIComponent(spike.at);
  return (
    <div className="space-y-3 text-sm" data-testid="spike-panel">
      <p>
        Busiest minute: <time dateTime={spike.at} className="font-medium">{new Date(spike.at).toLocaleString()}</time> with {spike.count.toLocaleString()} event{spike.count === 1 ? "" : "s"}.{" "}
        <Link className="underline" href={`/locks?at=${at}`}>Locks at that moment</Link> ·{" "}
        <Link className="underline" href={`/capacity?at=${at}&range=1h`}>Capacity at that moment</Link>
      </p>
      {context && (
        <div className="grid gap-3 md:grid-cols-2">
          <div>
            <h4 className="mb-1 text-xs font-medium uppercase tracking-wide text-slate-500">Locks ± 5 min</h4>
            {context.locks.length === 0 && <p className="text-slate-500">No lock samples then (no monitored PostgreSQL, or the sampler was not running).</p>}
            <ul className="space-y-1">
              {context.locks.map((l) => (
                <li key={l.source} data-testid="spike-locks">
                  <Link className="font-medium underline" href={`/locks?source=${encodeURIComponent(l.source)}&at=${at}`}>{l.source}</Link>: up to {l.maxWaiters} waiter{l.maxWaiters === 1 ? "" : "s"}, longest wait {secs(l.longestWaitMs)}
                  {l.maxStuck > 0 && <span className="text-red-600">, {l.maxStuck} stuck</span>}, {l.maxLocks.toLocaleString()} locks ({l.samples} samples)
                  {l.contendedKeys.length > 0 && (
                    <ul className="ml-4 list-disc text-xs text-slate-600 dark:text-slate-400">
                      {l.contendedKeys.map((k) => <li key={k.key}>advisory {k.key}: {k.waiters} waiting{k.holders.length ? `, held by pid ${k.holders.join(", ")}` : ""}</li>)}
                    </ul>
                  )}
                </li>
              ))}
            </ul>
          </div>
          <div>
            <h4 className="mb-1 text-xs font-medium uppercase tracking-wide text-slate-500">Capacity ± 5 min (peak)</h4>
            {context.capacity.length === 0 && <p className="text-slate-500">No capacity samples then.</p>}
            <ul className="space-y-1">
              {context.capacity.map((c) => (
                <li key={`${c.source}-${c.metric}`} data-testid="spike-capacity" className={c.saturation !== null && c.saturation >= 0.8 ? "text-amber-700 dark:text-amber-300" : ""}>
                  <span className="font-medium">{c.source}</span> {c.metric.replace(/_/g, " ")}: {c.max.toLocaleString()}{c.limit ? ` of ${c.limit.toLocaleString()}` : ""}{pct(c.saturation)}
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
    </div>
  );
}
