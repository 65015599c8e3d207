"use client";

import Link from "next/link";
import { useEntityTimeline, type TimelineItem } from "@/components/data/entities-query";
import { LoadingPanel } from "@/components/ui/loading-panel";
import { DensityChart } from "./density-chart";
import { CARD } from "@/components/ui/panel";
import { ZoomOut } from "@/components/ui/chart-zoom";
import { useUrlWindow } from "@/components/ui/use-url-window";

const KIND_STYLE: Record<TimelineItem["kind"], { label: string; cls: string }> = {
  event: { label: "event", cls: "bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-200" },
  lock: { label: "lock", cls: "bg-orange-100 text-orange-800 dark:bg-orange-950 dark:text-orange-200" },
  failed_write: { label: "failed write", cls: "bg-rose-100 text-rose-800 dark:bg-rose-950 dark:text-rose-200" },
  replay: { label: "replay", cls: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200" },
  action: { label: "action", cls: "bg-violet-100 text-violet-800 dark:bg-violet-950 dark:text-violet-200" },
};

const fmt = (iso: string) =>
  new Date(iso).toLocaleString([], { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });

/** Everything that happened to one entity across sources, newest first, with a density chart on top. */
export function EntityTimelineView({ type, entityKey }: { type: string; entityKey: string }) {
  // A drag on the density chart narrows the timeline to that window (?from=&to=).
  const win = useUrlWindow([] as const);
  const { data, isLoading, error, fetchNextPage, hasNextPage, isFetchingNextPage } = useEntityTimeline(type, entityKey, win.custom);
  const first = data?.pages[0];
  const items = data?.pages.flatMap((p) => p.items) ?? [];
  const sources = [...new Set(items.map((i) => i.source).filter(Boolean))];
  return (
    <LoadingPanel isLoading={isLoading} error={error} isEmpty={items.length === 0 && !win.custom} empty={`Nothing recorded for ${type}=${entityKey} yet.`}>
      {first && (
        <div className="space-y-4">
          <div className="flex flex-wrap gap-x-4 gap-y-1 text-sm text-slate-600 dark:text-slate-400">
            {first.entity && (
              <span>
                first seen {fmt(first.entity.firstSeen)} · last seen {fmt(first.entity.lastSeen)}
              </span>
            )}
            <span>sources: {sources.join(", ") || "—"}</span>
            {first.advisoryKeys.map((k) => (
              <span key={k.label} data-testid="advisory-mapping">
                maps to advisory lock {k.label} ({k.via})
              </span>
            ))}
          </div>
          <ZoomOut custom={win.custom} onZoomOut={win.zoomOut} />
          {first.density && (
            <section className={`${CARD} p-3`}>
              <DensityChart density={first.density} onZoom={win.zoom} />
              {first.density.capped && <p className="text-xs text-slate-500">Density of the latest events only.</p>}
            </section>
          )}
          <ol className="relative space-y-2 border-l border-slate-200 pl-4 dark:border-slate-800" aria-label="Timeline">
            {items.map((i) => (
              <li key={`${i.kind}-${i.id}`} data-testid="timeline-item" data-kind={i.kind} data-at={i.at} className="text-sm">
                <div className="flex flex-wrap items-center gap-2 text-xs text-slate-500">
                  <time dateTime={i.at}>{fmt(i.at)}</time>
                  {i.until && i.until !== i.at && <span>→ {fmt(i.until)}</span>}
                  <span className={`rounded px-1.5 ${KIND_STYLE[i.kind].cls}`}>{KIND_STYLE[i.kind].label}</span>
                  {i.source && (
                    <span data-testid="source-badge" className="rounded border border-slate-300 px-1.5 dark:border-slate-700">
                      {i.source}
                    </span>
                  )}
                  {i.status && <span>{i.status.replace(/_/g, " ")}</span>}
                  {i.severity && <span>{i.severity}</span>}
                </div>
                <div className="break-words">
                  {i.href ? (
                    <Link href={i.href} className="hover:underline">
                      {i.title}
                    </Link>
                  ) : (
                    i.title
                  )}
                </div>
                {i.detail && <div className="text-xs text-slate-500">{i.detail}</div>}
              </li>
            ))}
          </ol>
          {hasNextPage && (
            <button
              type="button"
              onClick={() => fetchNextPage()}
              disabled={isFetchingNextPage}
              className="rounded border border-slate-300 px-3 py-1 text-sm dark:border-slate-700"
            >
              {isFetchingNextPage ? "Loading…" : "Older"}
            </button>
          )}
        </div>
      )}
    </LoadingPanel>
  );
}
