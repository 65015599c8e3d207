"use client";

import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useLockSources } from "@/components/data/locks-query";
import { LoadingPanel } from "@/components/ui/loading-panel";
import { LockHistoryPanel } from "./lock-history-panel";
import { PastSnapshotPanel } from "./past-snapshot-panel";
import { SnapshotPanel } from "./snapshot-panel";

/** The picked source and the moment looked at live in the URL (/locks?source=…&at=…), so links and reloads keep them. */
export function LocksView() {
  const sources = useLockSources();
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const picked = params.get("source");
  const at = params.get("at");
  const go = (next: { source?: string | null; at?: string | null }) => {
    const q = new URLSearchParams(params.toString());
    for (const [k, v] of Object.entries(next)) {
      if (v) q.set(k, v);
      else q.delete(k);
    }
    router.replace(`${pathname}?${q.toString()}`, { scroll: false });
  };
  const items = sources.data ?? [];
  const current = (picked && items.some((s) => s.name === picked) ? picked : null) ?? items[0]?.name ?? null;
  return (
    <LoadingPanel
      isLoading={sources.isLoading}
      error={sources.error}
      isEmpty={items.length === 0}
      empty={
        <>
          No monitored PostgreSQL yet.{" "}
          <Link className="underline" href="/sources">
            Add one on the Sources page
          </Link>{" "}
          or set LOCKBOARD_SOURCES.
        </>
      }
    >
      <div className="mb-4 flex flex-wrap gap-2" role="tablist" aria-label="Monitored PostgreSQL servers">
        {items.map((s) => (
          <button
            key={s.id}
            role="tab"
            aria-selected={s.name === current}
            onClick={() => go({ source: s.name })}
            className={`rounded border px-3 py-1 text-sm ${s.name === current ? "border-slate-900 bg-slate-900 text-white dark:border-slate-100 dark:bg-slate-100 dark:text-slate-900" : "border-slate-300 dark:border-slate-700"}`}
          >
            {s.name}
            {s.demo && <span className="ml-1 text-xs opacity-70">(demo)</span>}
          </button>
        ))}
      </div>
      {current && (
        <div className="space-y-6">
          {at ? <PastSnapshotPanel source={current} at={at} onLive={() => go({ at: null })} /> : <SnapshotPanel source={current} />}
          <LockHistoryPanel source={current} at={at} onPick={(t) => go({ source: current, at: t })} />
        </div>
      )}
    </LoadingPanel>
  );
}
