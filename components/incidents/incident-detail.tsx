"use client";

import Link from "next/link";
import { useIncident } from "@/components/data/incidents-query";
import { EntityChip } from "@/components/entities/entity-chip";
import { LoadingPanel } from "@/components/ui/loading-panel";
import { TimeAgo } from "@/components/ui/time-ago";
import { IncidentEvents } from "./incident-events";
import { IncidentHistogram } from "./incident-histogram";
import { RelatedFailedWrites } from "./related-failed-writes";
import { RunbookPanel } from "./runbook-panel";
import { SpikePanel } from "./spike-panel";
import { StatusActions } from "./status-actions";
import { KIND_LABEL, StatusBadge } from "./status-badge";

const RANGES = ["1h", "6h", "24h", "7d", "all"];

function Section({ title, children, testId }: { title: string; children: React.ReactNode; testId?: string }) {
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900" data-testid={testId} aria-label={title}>
      <h2 className="mb-3 text-sm font-semibold">{title}</h2>
      {children}
    </section>
  );
}

export function IncidentDetailView({ id, range }: { id: number; range: string }) {
  const { data, isLoading, error } = useIncident(id, range);
  return (
    <LoadingPanel isLoading={isLoading} error={error}>
      {data && (
        <div className="space-y-4">
          <header className="space-y-2">
            <p className="text-sm"><Link className="text-slate-500 hover:underline" href="/incidents">← Incidents</Link></p>
            <h1 className="text-xl font-semibold tracking-tight" data-testid="incident-title">{data.incident.title}</h1>
            <div className="flex flex-wrap items-center gap-3 text-sm text-slate-600 dark:text-slate-400">
              <span className="rounded bg-slate-100 px-1.5 dark:bg-slate-800">{KIND_LABEL[data.incident.kind] ?? data.incident.kind}</span>
              <span>{data.incident.source ?? "no source"}</span>
              <span>{data.incident.count.toLocaleString()} events · {data.incident.rate.toLocaleString()} in the last hour</span>
              <span>first <TimeAgo iso={data.incident.firstSeen} /> · last <TimeAgo iso={data.incident.lastSeen} /></span>
              <StatusBadge status={data.incident.status} regression={data.incident.regression} by={data.incident.statusChangedBy} at={data.incident.statusChangedAt} />
            </div>
            {data.incident.regression && (
              <p role="alert" data-testid="regression-banner" className="rounded border border-red-300 bg-red-50 p-2 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
                Regression: this incident was resolved and has happened again since, so it was reopened.
              </p>
            )}
            <StatusActions ids={[id]} current={data.incident.status} />
          </header>

          <Section title="Events over time">
            <nav aria-label="Histogram range" className="mb-2 flex gap-1 text-xs">
              {RANGES.map((r) => (
                <Link key={r} href={`/incidents/${id}?range=${r}`} aria-current={r === range ? "true" : undefined} scroll={false}
                  className={`rounded px-2 py-0.5 ${r === range ? "bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900" : "hover:bg-slate-100 dark:hover:bg-slate-800"}`}>
                  {r}
                </Link>
              ))}
            </nav>
            <IncidentHistogram histogram={data.histogram} spikeAt={data.spike?.at ?? null} />
          </Section>

          <div className="grid gap-4 lg:grid-cols-2">
            <Section title="Entities it touches" testId="incident-entities">
              {data.entities.length === 0 ? (
                <p className="text-sm text-slate-500">No entity was extracted from these events.</p>
              ) : (
                <div className="flex flex-wrap gap-1.5">
                  {data.entities.map((e) => <EntityChip key={`${e.type}=${e.value}`} type={e.type} value={e.value} count={e.events} />)}
                </div>
              )}
              {data.incident.count > data.entitiesSampled && <p className="mt-2 text-xs text-slate-500">Counted over the latest {data.entitiesSampled.toLocaleString()} events.</p>}
            </Section>
            <Section title="Runbook"><RunbookPanel runbook={data.runbook} /></Section>
          </div>

          <Section title="Locks and capacity at the spike"><SpikePanel detail={data} /></Section>
          <Section title="Related failed writes"><RelatedFailedWrites writes={data.failedWrites} /></Section>
          <Section title="Latest events"><IncidentEvents id={id} /></Section>
        </div>
      )}
    </LoadingPanel>
  );
}
