"use client";

import { useState } from "react";
import { usePreviewReplay, useStartReplay, type ReplaySelectionInput } from "@/components/data/failed-writes-query";
import { REPLAY_REASON_MIN } from "@/lib/replay/replay-reason";
import { ReplayPreviewView } from "./replay-preview";
import { ReplayReasonInput } from "./replay-reason-input";

const btn = "rounded border border-slate-300 px-2.5 py-1 text-sm hover:bg-slate-100 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800";

/**
 * Confirming a replay: what it takes (chosen writes or the filter as shown, frozen when it
 * starts), a dry run against the targets first if wanted, and the reason every replay records.
 */
export function ReplayPanel({
  selection,
  count,
  onStarted,
  onCancel,
}: {
  selection: ReplaySelectionInput;
  count: number;
  onStarted: (runId: number) => void;
  onCancel: () => void;
}) {
  const [reason, setReason] = useState("");
  const preview = usePreviewReplay();
  const start = useStartReplay();
  const what =
    "ids" in selection ? `the ${count} selected write${count === 1 ? "" : "s"}` : `the ${count} write${count === 1 ? "" : "s"} matching the filter now`;
  const reasonOk = reason.trim().length >= REPLAY_REASON_MIN;
  return (
    <section
      className="mb-3 space-y-3 rounded border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950"
      aria-label="Replay confirmation"
    >
      <p>
        Replay {what}? {"filter" in selection && "The set is fixed when you confirm; writes captured later are not swept in. "}
        Applied and already-present writes are skipped; a conflict is never overwritten.
      </p>
      <div className="flex flex-wrap items-end gap-2">
        <button type="button" className={btn} disabled={preview.isPending} onClick={() => preview.mutate(selection)}>
          {preview.isPending ? "Checking the targets…" : preview.data ? "Check again" : "Dry run: what would happen?"}
        </button>
        <ReplayReasonInput value={reason} onChange={setReason} placeholder="e.g. the model API's 429s are over; replay the lost saves" />
        <button
          type="button"
          className={btn}
          disabled={!reasonOk || start.isPending}
          title={reasonOk ? undefined : "Say why first: every replay keeps its reason"}
          onClick={() => start.mutate({ ...selection, reason: reason.trim(), expectedCount: count }, { onSuccess: (r) => onStarted(r.run.id) })}
        >
          {start.isPending ? "Starting…" : `Replay ${count}`}
        </button>
        <button type="button" className={btn} onClick={onCancel}>
          Cancel
        </button>
      </div>
      {!reasonOk && (
        <p className="text-xs text-slate-600 dark:text-slate-300">A reason of at least {REPLAY_REASON_MIN} characters is required, as for lock actions.</p>
      )}
      {preview.error && (
        <p role="alert" className="text-red-700">
          {preview.error.message}
        </p>
      )}
      {start.error && (
        <p role="alert" className="text-red-700">
          {start.error.message}
        </p>
      )}
      {preview.data && <ReplayPreviewView preview={preview.data} />}
    </section>
  );
}
