"use client";

import { useIncidentEvents } from "@/components/data/incidents-query";
import { EntityChip } from "@/components/entities/entity-chip";
import { LoadingPanel } from "@/components/ui/loading-panel";

/** The latest events with their raw text, extracted fields and entities; older ones page in. */
export function IncidentEvents({ id }: { id: number }) {
  const { data, isLoading, error, fetchNextPage, hasNextPage, isFetchingNextPage } = useIncidentEvents(id);
  const items = data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <LoadingPanel isLoading={isLoading} error={error} isEmpty={items.length === 0} empty="No events stored for this incident.">
      <ol className="space-y-2">
        {items.map((e) => (
          <li key={e.id} className="rounded border border-slate-200 p-2 text-sm dark:border-slate-800" data-testid="incident-event">
            <div className="mb-1 flex flex-wrap items-center gap-2 text-xs text-slate-500">
              <time dateTime={e.occurredAt}>{new Date(e.occurredAt).toLocaleString()}</time>
              <span className="rounded bg-slate-100 px-1.5 dark:bg-slate-800">{e.source}</span>
              <span>{e.severity}</span>
              {e.entities.map((en) => (
                <EntityChip key={`${en.type}=${en.value}`} type={en.type} value={en.value} role={en.role} />
              ))}
            </div>
            <pre className="whitespace-pre-wrap break-all font-mono text-xs">{e.raw}</pre>
            {Object.keys(e.fields).length > 0 && (
              <details className="mt-1 text-xs">
                <summary className="cursor-pointer text-slate-500">fields</summary>
                <pre className="overflow-x-auto font-mono">{JSON.stringify(e.fields, null, 2)}</pre>
              </details>
            )}
          </li>
        ))}
      </ol>
      {hasNextPage && (
        <button
          type="button"
          onClick={() => fetchNextPage()}
          disabled={isFetchingNextPage}
          className="mt-2 rounded border border-slate-300 px-3 py-1 text-sm dark:border-slate-700"
        >
          {isFetchingNextPage ? "Loading…" : "Older events"}
        </button>
      )}
    </LoadingPanel>
  );
}
