"use client";

import { useEffect, useState } from "react";

/** "Data as of …", amber once the last good refresh is older than `staleAfterMs` (paused, or the store not answering). */
export function DataAsOf({ at, staleAfterMs = 15_000, error }: { at: number | null; staleAfterMs?: number; error?: string | null }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(t);
  }, []);
  const stale = at === null || now - at > staleAfterMs;
  return (
    <span
      data-testid="data-as-of"
      data-stale={stale ? "true" : "false"}
      title={error ?? undefined}
      className={`rounded px-2 py-1 text-xs tabular-nums ${stale ? "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200" : "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300"}`}
    >
      Data as of {at ? new Date(at).toLocaleTimeString() : "—"}
      {stale && at ? ` (${Math.round((now - at) / 1000)} s old)` : ""}
    </span>
  );
}
