"use client";

import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useState } from "react";
import { useLockSources } from "@/components/data/locks-query";
import { LoadingPanel } from "@/components/ui/loading-panel";
import { LockHistoryPanel } from "./lock-history-panel";
import { SnapshotPanel } from "./snapshot-panel";

export function LocksView() {
  const sources = useLockSources();
  // Links from an incident's spike name the source: /locks?source=…&at=…
  const [picked, setPicked] = useState<string | null>(useSearchParams().get("source"));
  const items = sources.data ?? [];
  const current = (picked && items.some((s) => s.name === picked) ? picked : null) ?? items[0]?.name ?? null;
  return (
    <LoadingPanel
      isLoading={sources.isLoading}
      error={sources.error}
      isEmpty={items.length === 0}
      empty={
        <>
          No monitored PostgreSQL yet. <Link className="underline" href="/sources">Add one on the Sources page</Link> or set LOCKBOARD_SOURCES.
        </>
      }
    >
      <div className="mb-4 flex flex-wrap gap-2" role="tablist" aria-label="Monitored PostgreSQL servers">
        {items.map((s) => (
          <button
            key={s.id}
            role="tab"
            aria-selected={s.name === current}
            onClick={() => setPicked(s.name)}
            className={`rounded border px-3 py-1 text-sm ${s.name === current ? "border-slate-900 bg-slate-900 text-white dark:border-slate-100 dark:bg-slate-100 dark:text-slate-900" : "border-slate-300 dark:border-slate-700"}`}
          >
            {s.name}
            {s.demo && <span className="ml-1 text-xs opacity-70">(demo)</span>}
          </button>
        ))}
      </div>
      {current && (
        <div className="space-y-6">
          <SnapshotPanel source={current} />
          <LockHistoryPanel source={current} />
        </div>
      )}
    </LoadingPanel>
  );
}
