"use client";

import Link from "next/link";
import { IfCan, needsRole } from "@/components/auth/actor-context";
import { useReplayOne } from "@/components/data/failed-writes-query";
import type { IncidentDetail } from "@/components/data/incidents-query";
import { KeyChips } from "@/components/entities/entity-chip";

/** Failed writes keyed by this incident's entities, captured while it went on; Replay right here. */
export function RelatedFailedWrites({ writes }: { writes: IncidentDetail["failedWrites"] }) {
  const replay = useReplayOne();
  if (writes.length === 0) return <p className="text-sm text-slate-500">No failed write keyed by these entities was handed over while this went on.</p>;
  // Its own sideways scroll: a long key or namespace never widens the page on a phone.
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid="related-failed-writes">
        <tbody>
          {writes.map((w) => (
            <tr key={w.id} className="border-b border-slate-100 last:border-0 dark:border-slate-800">
              <td className="py-1 pr-2">
                <Link className="underline" href={`/failed-writes?id=${w.id}`}>
                  #{w.id}
                </Link>
              </td>
              <td className="py-1 pr-2 font-mono text-xs">
                {w.operation} {w.namespace}
              </td>
              <td className="py-1 pr-2">
                <KeyChips value={w.key} />
              </td>
              <td className="py-1 pr-2 text-xs">{w.status.replace(/_/g, " ")}</td>
              <td className="py-1">
                {["pending", "failed", "conflict"].includes(w.status) && (
                  <IfCan
                    role="operator"
                    fallback={
                      <button
                        type="button"
                        disabled
                        title={`Read-only: ${needsRole("operator")}`}
                        data-needs-role="operator"
                        className="rounded border border-slate-300 px-2 py-0.5 text-xs opacity-50 dark:border-slate-700"
                      >
                        Replay
                      </button>
                    }
                  >
                    <button
                      type="button"
                      disabled={replay.isPending}
                      onClick={() => {
                        // Every replay records why (as lock actions do); the write's own page has the full form.
                        const reason = window.prompt("Why replay this write? (kept in the audit log)")?.trim();
                        if (reason && reason.length >= 3) replay.mutate({ id: w.id, reason });
                      }}
                      className="rounded border border-slate-300 px-2 py-0.5 text-xs dark:border-slate-700"
                    >
                      Replay
                    </button>
                  </IfCan>
                )}
              </td>
            </tr>
          ))}
        </tbody>
        {replay.error && <caption className="caption-bottom text-left text-xs text-red-600">{replay.error.message}</caption>}
        {replay.data && <caption className="caption-bottom text-left text-xs text-slate-500">Replayed: {replay.data.status.replace(/_/g, " ")}</caption>}
      </table>
    </div>
  );
}
