"use client";

import { useState } from "react";
import { useIncidentStatus, type IncidentStatus } from "@/components/data/incidents-query";
import { RoleHint, useRoleGate } from "@/components/auth/actor-context";

const ACTIONS: { to: IncidentStatus; label: string; from: string[] }[] = [
  { to: "acknowledged", label: "Acknowledge", from: ["open", "muted"] },
  { to: "resolved", label: "Resolve", from: ["open", "acknowledged", "muted"] },
  { to: "muted", label: "Mute", from: ["open", "acknowledged"] },
  { to: "open", label: "Reopen", from: ["resolved", "muted", "acknowledged"] },
];

/** Status buttons for one incident or a selection (operators; a viewer sees them disabled, and why; the server checks the role again). */
export function StatusActions({ ids, current, onDone }: { ids: number[]; current?: string; onDone?: () => void }) {
  const change = useIncidentStatus();
  const [message, setMessage] = useState<string | null>(null);
  const gate = useRoleGate("operator");
  const act = (to: IncidentStatus) =>
    change.mutate(
      { ids, status: to },
      {
        onSuccess: (r) => {
          setMessage(`${r.changes.filter((c) => c.changed).length} of ${ids.length} now ${to}`);
          onDone?.();
        },
        onError: (e) => setMessage(e.message),
      },
    );
  return (
    <>
      <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Change status">
        {ACTIONS.filter((a) => !current || a.from.includes(current)).map((a) => (
          <button
            key={a.to}
            type="button"
            disabled={gate.disabled || change.isPending || ids.length === 0}
            {...gate.props}
            onClick={() => act(a.to)}
            className="rounded border border-slate-300 bg-white px-3 py-1 text-sm hover:bg-slate-100 disabled:opacity-50 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800"
          >
            {a.label}
          </button>
        ))}
        <RoleHint role="operator" />
        {message && (
          <span role="status" className="text-xs text-slate-500">
            {message}
          </span>
        )}
      </div>
    </>
  );
}
