import Link from "next/link";
import type { IncidentDetail } from "@/components/data/incidents-query";

type Context = NonNullable<IncidentDetail["context"]>;
type LockPicture = Context["locks"][number];
type CapacityPicture = Context["capacity"][number];
type Key = LockPicture["contendedKeys"][number];

const secs = (ms: number | null) => (ms === null ? "—" : ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`);
const pct = (f: number | null) => (f === null ? "" : ` (${Math.round(f * 100)}%)`);
const H4 = "mb-1 text-xs font-medium uppercase tracking-wide text-slate-500";

function KeyLine({ k }: { k: Key }) {
  return (
    <li data-testid="spike-key" data-related={k.related}>
      advisory {k.key}: {k.waiters} waiting{k.holders.length ? `, held by pid ${k.holders.join(", ")}` : ""}
      {k.applications.length > 0 && ` (${k.applications.join(", ")})`}
      {k.stuck && <span className="text-red-600"> · stuck</span>}
    </li>
  );
}

/** One server's lock picture; `keys` are the advisory locks shown in this section (related or not). */
function LockLine({ l, at, keys, summary }: { l: LockPicture; at: string; keys: Key[]; summary: boolean }) {
  return (
    <li data-testid="spike-locks" data-related={summary ? l.related : false}>
      <Link className="font-medium underline" href={`/locks?source=${encodeURIComponent(l.source)}&at=${at}`}>
        {l.source}
      </Link>
      {summary && <span className="text-xs text-slate-500"> · {l.why}</span>}
      {summary && (
        <>
          : up to {l.maxWaiters} waiter{l.maxWaiters === 1 ? "" : "s"}, longest wait {secs(l.longestWaitMs)}, {l.maxLocks.toLocaleString()} locks ({l.samples}{" "}
          samples)
          {l.maxStuck > 0 && keys.some((k) => k.stuck) && <span className="text-red-600">, {l.maxStuck} stuck</span>}
        </>
      )}
      {!summary && <span className="text-xs text-slate-500"> · this incident&apos;s server, but locks its events do not touch</span>}
      {keys.length > 0 && (
        <ul className="ml-4 list-disc text-xs text-slate-600 dark:text-slate-400">
          {keys.map((k) => (
            <KeyLine key={k.key} k={k} />
          ))}
        </ul>
      )}
    </li>
  );
}

function CapacityLine({ c }: { c: CapacityPicture }) {
  return (
    <li
      data-testid="spike-capacity"
      data-related={c.related}
      className={c.saturation !== null && c.saturation >= 0.8 ? "text-amber-700 dark:text-amber-300" : ""}
    >
      <span className="font-medium">{c.source}</span> {c.metric.replace(/_/g, " ")}: {c.max.toLocaleString()}
      {c.limit ? ` of ${c.limit.toLocaleString()}` : ""}
      {pct(c.saturation)}
      <span className="text-xs text-slate-500"> · {c.why}</span>
    </li>
  );
}

function Section({
  locks,
  capacity,
  at,
  empty,
}: {
  locks: { l: LockPicture; keys: Key[]; summary: boolean }[];
  capacity: CapacityPicture[];
  at: string;
  empty: string;
}) {
  if (locks.length === 0 && capacity.length === 0) return <p className="text-slate-500">{empty}</p>;
  return (
    <div className="grid gap-3 md:grid-cols-2">
      <div>
        <h4 className={H4}>Locks ± 5 min</h4>
        {locks.length === 0 ? (
          <p className="text-slate-500">None.</p>
        ) : (
          <ul className="space-y-1">
            {locks.map((x) => (
              <LockLine key={x.l.source} l={x.l} at={at} keys={x.keys} summary={x.summary} />
            ))}
          </ul>
        )}
      </div>
      <div>
        <h4 className={H4}>Capacity ± 5 min (peak)</h4>
        {capacity.length === 0 ? (
          <p className="text-slate-500">None.</p>
        ) : (
          <ul className="space-y-1">
            {capacity.map((c) => (
              <CapacityLine key={`${c.source}-${c.metric}`} c={c} />
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

/**
 * The lock and capacity picture around the spike: first what is on the incident's own server or
 * process, then, apart and folded, whatever else was sampled at that time.
 */
export function SpikePanel({ detail }: { detail: IncidentDetail }) {
  const { spike, context } = detail;
  if (!spike) return <p className="text-sm text-slate-500">No events in this range, so no spike to look at.</p>;
  const at = encodeURIComponent(spike.at);
  // The incident's own server when it was sampled then, else the only one that was: a link that
  // says "at that moment" opens the source it is about, not whichever comes first.
  const lockSource =
    context?.locks.find((l) => l.source === detail.incident.source)?.source ??
    context?.locks.find((l) => l.related)?.source ??
    (context?.locks.length === 1 ? context.locks[0]!.source : null);
  const locksHref = `/locks?${lockSource ? `source=${encodeURIComponent(lockSource)}&` : ""}at=${at}`;
  const relatedLocks = (context?.locks ?? []).filter((l) => l.related).map((l) => ({ l, keys: l.contendedKeys.filter((k) => k.related), summary: true }));
  const otherLocks = (context?.locks ?? []).flatMap((l) => {
    if (!l.related) return [{ l, keys: l.contendedKeys, summary: true }];
    const keys = l.contendedKeys.filter((k) => !k.related);
    return keys.length ? [{ l, keys, summary: false }] : [];
  });
  const relatedCapacity = (context?.capacity ?? []).filter((c) => c.related);
  const otherCapacity = (context?.capacity ?? []).filter((c) => !c.related);
  const others = otherLocks.length + otherCapacity.length;
  return (
    <div className="space-y-3 text-sm" data-testid="spike-panel">
      <p>
        Busiest minute:{" "}
        <time dateTime={spike.at} className="font-medium">
          {new Date(spike.at).toLocaleString()}
        </time>{" "}
        with {spike.count.toLocaleString()} event{spike.count === 1 ? "" : "s"}.{" "}
        <Link className="underline" href={locksHref}>
          Locks at that moment
        </Link>{" "}
        ·{" "}
        <Link className="underline" href={`/capacity?at=${at}&range=1h`}>
          Capacity at that moment
        </Link>
      </p>
      {context && (
        <>
          <section data-testid="spike-related" aria-label="On this incident's server or process">
            <h3 className="mb-1 text-sm font-medium">On {detail.incident.source ?? "this incident's source"}&apos;s server or process</h3>
            <Section
              locks={relatedLocks}
              capacity={relatedCapacity}
              at={at}
              empty={`Nothing was sampled on ${detail.incident.source ?? "its source"}'s own server or process then. A log source is tied to what runs it by config.eventSources on that postgres, process or prometheus source.`}
            />
          </section>
          {others > 0 && (
            <details data-testid="spike-also" className="rounded border border-slate-200 p-2 dark:border-slate-800">
              <summary className="cursor-pointer text-sm font-medium text-slate-600 dark:text-slate-300">
                Also at that time: {others} unrelated reading{others === 1 ? "" : "s"} elsewhere (other servers, processes, locks this incident does not touch)
              </summary>
              <div className="mt-2">
                <Section locks={otherLocks} capacity={otherCapacity} at={at} empty="" />
              </div>
            </details>
          )}
        </>
      )}
    </div>
  );
}
