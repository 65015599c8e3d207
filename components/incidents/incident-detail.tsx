"use client";

import Link from "next/link";
import { useIncident } from "@/components/data/incidents-query";
import { EntityChip } from "@/components/entities/entity-chip";
import { LoadingPanel } from "@/components/ui/loading-panel";
import { Panel } from "@/components/ui/panel";
import { RangePicker } from "@/components/ui/range-picker";
import { TimeAgo } from "@/components/ui/time-ago";
import { ZoomOut } from "@/components/ui/chart-zoom";
import { useUrlWindow } from "@/components/ui/use-url-window";
import { INCIDENT_DETAIL_RANGES } from "@/lib/vocabulary/time-ranges";
import { IncidentEvents } from "./incident-events";
import { IncidentHistogram } from "./incident-histogram";
import { RelatedFailedWrites } from "./related-failed-writes";
import { RunbookPanel } from "./runbook-panel";
import { SpikePanel } from "./spike-panel";
import { StatusActions } from "./status-actions";
import { RelatedIncidents, StuckLockPanel } from "./stuck-lock-panel";
import { KIND_LABEL, StatusBadge } from "./status-badge";

export function IncidentDetailView({ id }: { id: number }) {
  const win = useUrlWindow(INCIDENT_DETAIL_RANGES);
  const { data, isLoading, error } = useIncident(id, win.custom ?? (win.range ? { range: win.range } : {}));
  return (
    <LoadingPanel isLoading={isLoading} error={error}>
      {data && (
        <div className="space-y-4">
          <header className="space-y-2">
            <p className="text-sm">
              <Link className="text-slate-500 hover:underline" href="/incidents">
                ← Incidents
              </Link>
            </p>
            <h1 className="text-xl font-semibold tracking-tight" data-testid="incident-title">
              {data.incident.title}
            </h1>
            <div className="flex flex-wrap items-center gap-3 text-sm text-slate-600 dark:text-slate-400">
              <span className="rounded bg-slate-100 px-1.5 dark:bg-slate-800">{KIND_LABEL[data.incident.kind] ?? data.incident.kind}</span>
              <span>{data.incident.source ?? "no source"}</span>
              {data.incident.subject && !data.incident.title.includes(data.incident.subject) && (
                <code className="font-mono text-xs" data-testid="incident-subject">
                  {data.incident.subject}
                </code>
              )}
              <span data-testid="incident-counts" title={data.stuckLock ? "each lock sample that saw the lock stuck counts one" : undefined}>
                {data.incident.count.toLocaleString()} {data.stuckLock ? "stuck samples" : "events"} · {data.incident.rate.toLocaleString()} in the last hour
              </span>
              <span>
                first <TimeAgo iso={data.incident.firstSeen} /> · last <TimeAgo iso={data.incident.lastSeen} />
              </span>
              <StatusBadge
                status={data.incident.status}
                regression={data.incident.regression}
                by={data.incident.statusChangedBy}
                at={data.incident.statusChangedAt}
              />
            </div>
            {data.incident.regression && (
              <p
                role="alert"
                data-testid="regression-banner"
                className="rounded border border-red-300 bg-red-50 p-2 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
              >
                Regression: this incident was resolved and has happened again since, so it was reopened.
              </p>
            )}
            {data.eventsGone && (
              <p
                data-testid="events-gone"
                className="rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"
              >
                Its events before {data.eventsGone.keptFrom.slice(0, 10)} are gone (events are kept {data.eventsGone.days} days): the count, the chart and the
                first seen time are whole, the event list and the entities start at that day.
              </p>
            )}
            <StatusActions ids={[id]} current={data.incident.status} />
          </header>

          {data.stuckLock && (
            <div className="grid gap-4 lg:grid-cols-2">
              <Panel title="The lock" testId="incident-lock">
                <StuckLockPanel stuck={data.stuckLock} resolved={data.incident.status === "resolved"} />
              </Panel>
              <Panel title="Related incidents" testId="incident-related">
                <RelatedIncidents items={data.stuckLock.related} />
              </Panel>
            </div>
          )}

          <Panel title="Events over time">
            <div className="mb-2 flex flex-wrap items-center gap-2">
              <RangePicker
                label="Histogram range"
                className="text-xs"
                ranges={INCIDENT_DETAIL_RANGES}
                current={win.custom ? null : data.histogram.range}
                hrefOf={(r) => `/incidents/${id}?range=${r}`}
              />
              {!win.custom && !win.range && data.histogram.fitted && (
                <span className="text-xs text-slate-500" data-testid="range-fitted">
                  fitted to its age
                </span>
              )}
              <ZoomOut custom={win.custom} onZoomOut={win.zoomOut} />
            </div>
            <IncidentHistogram histogram={data.histogram} spikeAt={data.spike?.at ?? null} onZoom={win.zoom} />
          </Panel>

          <div className="grid gap-4">
            <Panel title="Entities it touches" testId="incident-entities">
              {data.entities.length === 0 ? (
                <p className="text-sm text-slate-500">No entity was extracted from these events.</p>
              ) : (
                <div className="flex flex-wrap gap-1.5">
                  {data.entities.map((e) => (
                    <EntityChip key={`${e.type}=${e.value}`} type={e.type} value={e.value} count={e.events} />
                  ))}
                </div>
              )}
              {data.incident.count > data.entitiesSampled && (
                <p className="mt-2 text-xs text-slate-500">Counted over the latest {data.entitiesSampled.toLocaleString()} events.</p>
              )}
            </Panel>
          </div>

          <Panel title="Runbook" testId="incident-runbook">
            <RunbookPanel id={id} />
          </Panel>

          <Panel title="Locks and capacity at the spike">
            <SpikePanel detail={data} />
          </Panel>
          <Panel title="Related failed writes">
            <RelatedFailedWrites writes={data.failedWrites} />
          </Panel>
          <Panel title="Latest events">
            <IncidentEvents id={id} />
          </Panel>
        </div>
      )}
    </LoadingPanel>
  );
}
