"use client";

import { useFleet } from "@/components/data/settings-query";
import { LoadingPanel } from "@/components/ui/loading-panel";
import { TimeAgo } from "@/components/ui/time-ago";
import type { FleetInstance, FleetLease } from "@/lib/fleet/get-fleet";
import { SettingsTable } from "@/components/settings/settings-table";

const STATE_STYLE: Record<FleetInstance["state"], string> = {
  alive: "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200",
  stopped: "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
  silent: "bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200",
};

const JOB_LABEL: Record<string, string> = {
  "lock-sampler": "Lock sampler",
  "capacity-sampler": "Capacity sampler",
  "pg-log-tail": "Server-log tailer",
  "failed-write-retry": "Failed-write retry",
  "event-retention": "Event retention",
  "replay-resume": "Replay resume",
  alerts: "Alerts",
  "incident-last-hour": "Last-hour rates",
};

function InstanceName({ id, instances }: { id: string; instances: FleetInstance[] }) {
  const i = instances.find((x) => x.id === id);
  return (
    <span className="font-mono text-xs" title={id}>
      {i?.address ?? `${i?.host ?? id.split(":")[0]} pid ${i?.pid ?? id.split(":")[1]}`}
      {i?.self && <span className="ml-1 rounded bg-sky-100 px-1 text-sky-900 dark:bg-sky-950 dark:text-sky-200">this one</span>}
    </span>
  );
}

/** Who runs: every dashboard instance on this store, and which one works which source now. */
export function FleetPanel() {
  const fleet = useFleet();
  const instances = fleet.data?.instances ?? [];
  const leases = fleet.data?.leases ?? [];
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900" aria-label="Instances">
      <h2 className="mb-1 font-semibold">Instances and job leases</h2>
      <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
        Every dashboard process on this store, and which one samples or tails each source. A source is worked by one instance at a time, under a lease it renews
        every quarter of the job&apos;s interval; an instance that stops hands its leases back, one that dies lets them lapse within three quarters of an
        interval, and another takes them over.
      </p>
      <LoadingPanel isLoading={fleet.isLoading} error={fleet.error} isEmpty={!instances.length} empty="No instance has reported yet.">
        {/* On a phone each table scrolls inside the card instead of squeezing its columns. */}
        <SettingsTable columns={["Instance", "State", "Jobs", "Leases", "Started", "Heartbeat", "Version"]} className="mb-4" nowrap testId="fleet-instances">
          {instances.map((i) => (
            <tr key={i.id} className="border-t border-slate-100 dark:border-slate-800" data-testid="fleet-instance" data-state={i.state}>
              <td className="py-1">
                <InstanceName id={i.id} instances={instances} />
                <div className="text-xs text-slate-500">
                  {i.host} · pid {i.pid}
                </div>
              </td>
              <td>
                <span className={`rounded px-1.5 py-0.5 text-xs ${STATE_STYLE[i.state]}`}>{i.state}</span>
              </td>
              <td>{i.jobs ? "on" : "off"}</td>
              <td>{i.leases}</td>
              <td>
                <TimeAgo iso={i.startedAt} />
              </td>
              <td>
                <TimeAgo iso={i.stoppedAt ?? i.heartbeatAt} />
              </td>
              <td className="font-mono text-xs">{i.version}</td>
            </tr>
          ))}
        </SettingsTable>
        <LeasesTable leases={leases} instances={instances} />
      </LoadingPanel>
    </section>
  );
}

function LeasesTable({ leases, instances }: { leases: FleetLease[]; instances: FleetInstance[] }) {
  if (!leases.length) return <p className="text-sm text-slate-500">No job holds a lease yet (no sources, or every instance runs with LOCKBOARD_JOBS=off).</p>;
  return (
    <SettingsTable columns={["Job", "Works on", "Held by", "Since", "Last run", "Expires"]} className="" nowrap testId="fleet-leases">
      {leases.map((l) => (
        <tr key={`${l.job}:${l.subject}`} className="border-t border-slate-100 dark:border-slate-800" data-testid="fleet-lease" data-state={l.state}>
          <td className="py-1">{JOB_LABEL[l.job] ?? l.job}</td>
          <td>{l.subject}</td>
          <td>
            {l.state === "held" ? (
              <InstanceName id={l.owner} instances={instances} />
            ) : (
              <span className="text-amber-700 dark:text-amber-400">
                lapsed (was <InstanceName id={l.owner} instances={instances} />)
              </span>
            )}
          </td>
          <td>
            <TimeAgo iso={l.acquiredAt} />
          </td>
          <td>{l.lastRunAt ? <TimeAgo iso={l.lastRunAt} /> : "not yet"}</td>
          <td className="text-xs text-slate-500">{new Date(l.expiresAt).toLocaleTimeString()}</td>
        </tr>
      ))}
    </SettingsTable>
  );
}
