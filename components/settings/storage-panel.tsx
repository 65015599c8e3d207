"use client";

import { useHealth } from "@/components/data/health-query";
import { LoadingPanel } from "@/components/ui/loading-panel";
import { TimeAgo } from "@/components/ui/time-ago";
import type { EventStorage } from "@/lib/store/get-event-storage";

const UNITS = ["B", "kB", "MB", "GB", "TB"];

export function formatBytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= 1000 && u < UNITS.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toLocaleString("en-US", { maximumFractionDigits: v < 10 && u > 0 ? 1 : 0 })} ${UNITS[u]}`;
}

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : "—");

const CLASS_LABEL: Record<string, string> = {
  signal: "Events (LOCKBOARD_EVENT_RETENTION_DAYS)",
  noise: "Unparsed and unclassified lines (LOCKBOARD_NOISE_RETENTION_DAYS)",
};

/** The store's size, what events cost, and how far back each class of event goes. */
export function StoragePanel() {
  const health = useHealth();
  const storage = (health.data as { storage?: EventStorage | { error: string } } | undefined)?.storage;
  const figures = storage && "databaseBytes" in storage ? storage : null;
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900" aria-label="Event storage">
      <h2 className="mb-1 font-semibold">Event storage and retention</h2>
      <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
        Events are kept in one partition per day and class; a day past its retention is dropped whole (no delete, no vacuum). Incidents, their per-minute
        counts, failed writes, replays and the audit log are never dropped with them.
      </p>
      <LoadingPanel
        isLoading={health.isLoading}
        error={health.error}
        isEmpty={!figures}
        empty={storage && "error" in storage ? storage.error : "No figures yet."}
      >
        {figures && (
          <>
            <dl className="mb-3 grid grid-cols-2 gap-2 text-sm sm:grid-cols-4" data-testid="storage-figures">
              <div>
                <dt className="text-xs uppercase text-slate-500">Store size</dt>
                <dd data-testid="storage-size">{formatBytes(figures.databaseBytes)}</dd>
              </div>
              <div>
                <dt className="text-xs uppercase text-slate-500">Events and links</dt>
                <dd>{formatBytes(figures.eventBytes)}</dd>
              </div>
              <div>
                <dt className="text-xs uppercase text-slate-500">Events kept</dt>
                <dd data-testid="storage-events">
                  {figures.estimated ? "≈ " : ""}
                  {figures.events.toLocaleString("en-US")}
                </dd>
              </div>
              <div>
                <dt className="text-xs uppercase text-slate-500">Bytes per event</dt>
                <dd data-testid="storage-bytes-per-event">{figures.bytesPerEvent === null ? "—" : figures.bytesPerEvent.toLocaleString("en-US")}</dd>
              </div>
            </dl>
            <div className="overflow-x-auto">
              <table className="w-full min-w-[36rem] text-left text-sm" data-testid="storage-classes">
                <thead className="text-xs uppercase text-slate-500">
                  <tr>
                    <th className="py-1">Class</th>
                    <th>Kept</th>
                    <th>Oldest event</th>
                    <th>Day partitions</th>
                    <th>Dropped so far</th>
                    <th>Last pass</th>
                  </tr>
                </thead>
                <tbody>
                  {figures.classes.map((c) => (
                    <tr key={c.class} className="border-t border-slate-100 dark:border-slate-800" data-testid="storage-class" data-class={c.class}>
                      <td className="py-1">{CLASS_LABEL[c.class] ?? c.class}</td>
                      <td>{c.retentionDays} days</td>
                      <td data-testid="storage-oldest">
                        {day(c.oldestEvent)}
                        {c.keptFrom && <div className="text-xs text-slate-500">older than {day(c.keptFrom)} dropped</div>}
                      </td>
                      <td>{c.dayPartitions}</td>
                      <td>{c.droppedPartitions}</td>
                      <td>{c.lastRunAt ? <TimeAgo iso={c.lastRunAt} /> : "not yet"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </LoadingPanel>
    </section>
  );
}
