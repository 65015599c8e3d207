"use client";

import { useState } from "react";
import { useLockSnapshot, type LockSnapshot } from "@/components/data/locks-query";
import { errorLine } from "@/components/data/fetch-json";
import { LoadingPanel } from "@/components/ui/loading-panel";
import { ActionDialog, type ActionTarget } from "./action-dialog";
import { AdvisoryTable } from "./advisory-table";
import { BlockingTree } from "./blocking-tree";
import { formatClock, formatMs } from "./format";

export function SnapshotPanel({ source }: { source: string }) {
  const { data, isLoading, error } = useLockSnapshot(source);
  const [target, setTarget] = useState<ActionTarget | null>(null);
  const [last, setLast] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <section aria-label={`Live locks of ${source}`} className="space-y-4">
      <LoadingPanel isLoading={isLoading} error={error && !data ? error : null}>
        {data && (
          <>
            {error && (
              <p
                role="alert"
                className="rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"
              >
                Latest refresh failed: {errorLine(error)} (showing the snapshot of {new Date(data.takenAt).toLocaleTimeString()})
              </p>
            )}
            <SnapshotNotes snap={data} />
            {last && (
              <p
                role="status"
                data-testid="lock-action-result"
                className={`rounded border p-2 text-sm ${last.ok ? "border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-200" : "border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"}`}
              >
                {last.text}
              </p>
            )}
            <AdvisoryTable snap={data} onRelease={setTarget} />
            <BlockingTree snap={data} onAct={setTarget} />
          </>
        )}
      </LoadingPanel>
      {target && data && (
        <ActionDialog
          source={source}
          target={target}
          onClose={(r) => {
            setTarget(null);
            if (r) setLast(r);
          }}
        />
      )}
    </section>
  );
}

function SnapshotNotes({ snap }: { snap: LockSnapshot }) {
  const { caps, rights } = snap;
  return (
    <div className="space-y-2 text-sm">
      <p className="text-slate-600 dark:text-slate-400">
        PostgreSQL {Math.floor(snap.server.versionNum / 10000)} · {snap.server.scope === "database" ? `database ${snap.server.database}` : "whole server"} · as{" "}
        {rights.role} · {caps.locksTotal.toLocaleString()} locks, {caps.backendsTotal.toLocaleString()} backends holding locks · stuck after{" "}
        {formatMs(snap.stuckAfterMs)} · taken {formatClock(snap.takenAt)} (live)
      </p>
      {(caps.locksCapped || caps.backendsCapped) && (
        <p
          data-testid="snapshot-capped"
          className="rounded border border-sky-300 bg-sky-50 p-2 text-sky-900 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-200"
        >
          Capped: showing {caps.locksCapped ? `${snap.locks.length.toLocaleString()} of ${caps.locksTotal.toLocaleString()} locks` : ""}
          {caps.locksCapped && caps.backendsCapped ? " and " : ""}
          {caps.backendsCapped ? `${snap.backends.length.toLocaleString()} of ${caps.backendsTotal.toLocaleString()} backends` : ""} (waits, advisory locks and
          blockers first).
        </p>
      )}
      {rights.messages.map((m) => (
        <p
          key={m}
          role="alert"
          data-testid="rights-message"
          className="rounded border border-amber-300 bg-amber-50 p-2 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"
        >
          {m}
        </p>
      ))}
    </div>
  );
}
