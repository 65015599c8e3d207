"use client";

import { useState } from "react";
import { useLockImpact } from "@/components/data/lock-impact-query";
import { useBackendDetail, useLockAction } from "@/components/data/locks-query";
import { errorLine } from "@/components/data/fetch-json";
import type { Backend, LockTarget } from "@/lib/postgres/lock-model";
import { formatMs } from "./format";
import { ImpactNote } from "./impact-note";

export type ActionTarget = {
  action: "release" | "cancel" | "terminate";
  pid: number;
  backendStart: string;
  lock?: LockTarget;
  what: string;
  backend: Backend;
};

const TITLE = { release: "Release", cancel: "Cancel the query of", terminate: "Terminate" } as const;

/** The confirmation: the blast radius first, then a required reason. */
export function ActionDialog({ source, target, onClose }: { source: string; target: ActionTarget; onClose: (r?: { ok: boolean; text: string }) => void }) {
  const detail = useBackendDetail(source, target.pid, target.backendStart);
  const action = useLockAction();
  const impact = useLockImpact(source).data?.holders.find((h) => h.pid === target.pid)?.windows;
  const [reason, setReason] = useState("");
  const [endBlocker, setEndBlocker] = useState(false);
  const needsEndBlocker = !target.lock;
  const d = detail.data;
  const canSubmit = reason.trim().length >= 3 && (!needsEndBlocker || endBlocker) && !action.isPending;
  const submit = () =>
    action.mutate(
      {
        source,
        action: target.action,
        pid: target.pid,
        backendStart: target.backendStart,
        lock: target.lock,
        reason: reason.trim(),
        endBlockingBackend: endBlocker,
      },
      {
        onSuccess: (r) => onClose({ ok: r.outcome === "released", text: `${r.outcome.replace("_", " ")}: ${r.message}` }),
        onError: (e) => onClose({ ok: false, text: e.message }),
      },
    );
  return (
    // Never taller or wider than the viewport: on a phone the dialog scrolls inside itself, so its buttons stay reachable.
    <div className="fixed inset-0 z-50 flex items-start justify-center overflow-y-auto bg-black/40 p-3 sm:items-center sm:p-4">
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="lock-action-title"
        className="max-h-[calc(100dvh-1.5rem)] w-full max-w-xl overflow-y-auto rounded-lg bg-white p-4 shadow-xl sm:p-5 dark:bg-slate-900"
      >
        <h2 id="lock-action-title" className="text-lg font-semibold">
          {TITLE[target.action]} backend {target.pid}
        </h2>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          {target.action === "release"
            ? `Only the holding session can unlock ${target.what}, so releasing ends that session: its query is cancelled if it is running, and the session is terminated if it is idle or still holds the lock after a short grace.`
            : `This ${target.action === "cancel" ? "cancels the running statement of" : "ends"} a root blocker that holds ${target.what}.`}
        </p>
        <div
          className="mt-3 rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
          data-testid="blast-radius"
        >
          <p className="font-medium">Blast radius</p>
          {detail.isLoading && <p>Reading what backend {target.pid} holds…</p>}
          {detail.error && <p>{errorLine(detail.error)}</p>}
          {d && (
            <ul className="mt-1 list-disc space-y-0.5 pl-5">
              <li>
                {d.application || "an unnamed application"} as {d.user ?? "?"}, {d.state ?? "unknown state"}
              </li>
              <li>
                {d.xactAgeMs !== null
                  ? `Open transaction for ${formatMs(d.xactAgeMs)}: everything it did in that transaction will roll back.`
                  : "No open transaction: nothing to roll back, but its session-level locks go with it."}
              </li>
              <li>
                Holds {d.locksTotal} lock{d.locksTotal === 1 ? "" : "s"}
                {d.locks.length > 0 &&
                  `: ${d.locks
                    .slice(0, 8)
                    .map((l) => `${l.locktype} ${l.object} (${l.mode})`)
                    .join(", ")}${d.locks.length > 8 ? "…" : ""}`}
              </li>
              <li>
                {d.blockedPids.length ? `Blocks ${d.blockedPids.join(", ")}` : "Blocks nobody right now"}
                <ImpactNote windows={impact} testId="holder-impact" />
              </li>
              {d.query && (
                <li className="truncate font-mono text-xs" title={d.query}>
                  {d.query}
                </li>
              )}
            </ul>
          )}
        </div>
        <label className="mt-3 block text-sm font-medium" htmlFor="lock-action-reason">
          Reason (kept in the audit log)
        </label>
        <textarea
          id="lock-action-reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          rows={2}
          className="mt-1 w-full rounded border border-slate-300 p-2 text-sm dark:border-slate-700 dark:bg-slate-950"
          placeholder="e.g. metadata updates failing after 3 retries; holder idle 10 min"
        />
        {needsEndBlocker && (
          <label className="mt-2 flex items-center gap-2 text-sm">
            <input type="checkbox" checked={endBlocker} onChange={(e) => setEndBlocker(e.target.checked)} />I choose to end this blocking backend although it
            holds no advisory lock
          </label>
        )}
        <div className="mt-4 flex justify-end gap-2">
          <button type="button" onClick={() => onClose()} className="rounded border border-slate-300 px-3 py-1.5 text-sm dark:border-slate-700">
            Keep it
          </button>
          <button
            type="button"
            disabled={!canSubmit}
            onClick={submit}
            className="rounded bg-red-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-40"
          >
            {action.isPending ? "Working…" : `Confirm ${target.action}`}
          </button>
        </div>
      </div>
    </div>
  );
}
