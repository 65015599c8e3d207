"use client";

import { useFailedWrite, useReplayOne } from "@/components/data/failed-writes-query";
import { RoleHint, useRoleGate } from "@/components/auth/actor-context";
import { LoadingPanel } from "@/components/ui/loading-panel";
import { StatusBadge, statusLabel } from "./status-badge";
import { KeyChips } from "@/components/entities/entity-chip";
import { useState } from "react";
import { REPLAY_REASON_MIN } from "@/lib/replay/replay-reason";
import { ReplayReasonInput } from "./replay-reason-input";

const btn = "rounded border border-slate-300 px-2.5 py-1 text-sm hover:bg-slate-100 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800";
const pre = "max-h-64 overflow-auto rounded bg-slate-100 p-2 font-mono text-xs dark:bg-slate-950";

export function FailedWriteDetailPanel({ id, closeHref }: { id: number; closeHref: string }) {
  const { data: w, isLoading, error } = useFailedWrite(id);
  const replay = useReplayOne();
  const gate = useRoleGate("operator");
  const canReplay = gate.allowed;
  const [reason, setReason] = useState("");
  const reasonOk = reason.trim().length >= REPLAY_REASON_MIN;
  const needReason = reasonOk ? undefined : "Say why first: every replay keeps its reason";
  return (
    <aside className="mb-6 rounded-lg border border-slate-300 bg-white p-4 dark:border-slate-700 dark:bg-slate-900" aria-label="Failed write detail">
      <LoadingPanel isLoading={isLoading} error={error}>
        {w && (
          <div className="space-y-4 text-sm">
            <div className="flex flex-wrap items-center gap-3">
              <h2 className="font-semibold">Failed write #{w.id}</h2>
              <StatusBadge status={w.status} />
              <span className="font-mono text-xs">
                {w.operation} {w.namespace}
              </span>{" "}
              <KeyChips value={w.key} />
              <span className="text-slate-500">
                on {w.source.name}
                {w.source.demo ? " (demo server)" : ""}
              </span>
              {/* A viewer sees the action, disabled, and why. */}
              {!canReplay && w.status !== "applied" && w.status !== "already_present" && (
                <>
                  <button className={btn} {...gate.props} disabled>
                    Replay
                  </button>
                  <RoleHint role="operator" />
                </>
              )}
              <a className="ml-auto text-slate-500 underline" href={closeHref}>
                Close
              </a>
            </div>
            {canReplay && w.status !== "applied" && w.status !== "already_present" && (
              <div className="flex flex-wrap items-end gap-2">
                <ReplayReasonInput value={reason} onChange={setReason} placeholder="why replay this write now" />
                <button
                  className={btn}
                  disabled={replay.isPending || !reasonOk}
                  title={needReason}
                  onClick={() => replay.mutate({ id: w.id, reason: reason.trim() })}
                >
                  {replay.isPending ? "Replaying…" : "Replay"}
                </button>
                {w.status === "conflict" && (
                  <button
                    className={btn}
                    disabled={replay.isPending || !reasonOk}
                    title={needReason}
                    onClick={() =>
                      confirm("Write the payload over the record the target holds now?") && replay.mutate({ id: w.id, overwrite: true, reason: reason.trim() })
                    }
                  >
                    Overwrite target…
                  </button>
                )}
              </div>
            )}
            {replay.data && (
              <p role="status" data-testid="replay-outcome">
                Replay outcome: <strong>{statusLabel(replay.data.status)}</strong>
                {replay.data.lastError ? ` — ${replay.data.lastError}` : ""}
              </p>
            )}
            {replay.error && (
              <p role="alert" className="text-red-700">
                {replay.error.message}
              </p>
            )}
            <div>
              <h3 className="font-medium">Error</h3>
              <p className="font-mono text-xs">{w.error}</p>
              {w.lastError && (
                <p className="font-mono text-xs text-red-700">
                  last replay error: {w.lastError}
                  {w.nextAttemptAt ? ` · next attempt ${new Date(w.nextAttemptAt).toLocaleString()}` : ""}
                </p>
              )}
            </div>
            <div className="grid gap-4 md:grid-cols-2">
              <div>
                <h3 className="font-medium">Payload</h3>
                <pre className={pre}>{JSON.stringify(w.payload, null, 2)}</pre>
              </div>
              <div>
                <h3 className="font-medium">Target now</h3>
                {w.target.state === "found" && <pre className={pre}>{JSON.stringify(w.target.record, null, 2)}</pre>}
                {w.target.state === "missing" && <p className="text-slate-500">No record with this key.</p>}
                {w.target.state === "error" && (
                  <p role="alert" className="text-red-700">
                    Target unreachable: {w.target.error}
                  </p>
                )}
                {w.target.state === "refused" && (
                  <p role="alert" className="text-red-700" data-testid="target-refused">
                    Not read: {w.target.error}
                  </p>
                )}
              </div>
            </div>
            {w.target.state === "found" && (
              <div data-testid="target-diff">
                <h3 className="font-medium">Diff against the target</h3>
                {w.target.diff.length === 0 ? (
                  <p className="text-emerald-700">The target holds exactly this payload.</p>
                ) : (
                  <table className="text-xs">
                    <thead>
                      <tr>
                        <th className="pr-4 text-left">Field</th>
                        <th className="pr-4 text-left">Payload</th>
                        <th className="text-left">Target</th>
                      </tr>
                    </thead>
                    <tbody>
                      {w.target.diff.map((d) => (
                        <tr key={d.field}>
                          <td className="pr-4 font-mono">{d.field}</td>
                          <td className="pr-4 font-mono text-emerald-700">{JSON.stringify(d.expected)}</td>
                          <td className="font-mono text-amber-700">{JSON.stringify(d.actual)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </div>
            )}
            <div>
              <h3 className="font-medium">Attempts ({w.attemptRows.length})</h3>
              {w.attemptRows.length === 0 ? (
                <p className="text-slate-500">Not replayed yet.</p>
              ) : (
                <ol className="list-decimal pl-5">
                  {w.attemptRows.map((a, i) => (
                    <li key={i}>
                      {new Date(a.startedAt).toLocaleString()} · {statusLabel(a.outcome)}
                      {a.error ? ` — ${a.error}` : ""}{" "}
                      <span className="text-slate-500" title={`replayer ${a.worker}`} data-testid="attempt-by">
                        ({a.by}
                        {a.reason ? `: “${a.reason}”` : ""})
                      </span>
                    </li>
                  ))}
                </ol>
              )}
            </div>
          </div>
        )}
      </LoadingPanel>
    </aside>
  );
}
