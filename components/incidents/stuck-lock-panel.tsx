"use client";

import Link from "next/link";
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { RoleHint, useCan } from "@/components/auth/actor-context";
import { incidentKeys, type IncidentDetail } from "@/components/data/incidents-query";
import { useLockSnapshot } from "@/components/data/locks-query";
import { EntityChip } from "@/components/entities/entity-chip";
import { ActionDialog, type ActionTarget } from "@/components/locks/action-dialog";
import { releaseBlockedReason } from "@/components/locks/release-gate";
import { formatMs } from "@/components/locks/format";
import { ImpactNote } from "@/components/locks/impact-note";
import { TimeAgo } from "@/components/ui/time-ago";

type Stuck = NonNullable<IncidentDetail["stuckLock"]>;

/**
 * The lock a stuck-lock incident is about, live: who holds it now, what it blocked over the
 * last minutes, the entity its key stands for, and the guarded Release (the Locks page's
 * dialog and API, re-verified at the moment of acting). Once released the incident resolves
 * itself on the next sampler pass and says how it ended.
 */
export function StuckLockPanel({ stuck, resolved }: { stuck: Stuck; resolved: boolean }) {
  const canAct = useCan("operator");
  const qc = useQueryClient();
  const live = useLockSnapshot(stuck.source);
  const [target, setTarget] = useState<ActionTarget | null>(null);
  const [last, setLast] = useState<{ ok: boolean; text: string } | null>(null);
  const group = live.data?.advisory.find((g) => g.objectKey === stuck.objectKey) ?? null;
  const byPid = new Map((live.data?.backends ?? []).map((b) => [b.pid, b]));
  const what = `advisory key ${stuck.key}`;
  return (
    <div className="space-y-3 text-sm" data-testid="stuck-lock-panel">
      {stuck.resolution && resolved && (
        <p
          role="status"
          data-testid="stuck-resolution"
          className="rounded border border-emerald-300 bg-emerald-50 p-2 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-200"
        >
          Resolved <TimeAgo iso={stuck.resolution.at} /> by {stuck.resolution.by}: {stuck.resolution.reason}
          {stuck.resolution.releaseAuditId !== null && (
            <>
              {" "}
              <Link
                className="underline"
                data-testid="release-audit-link"
                href={`/audit?action=lock.release${stuck.source ? `&source=${encodeURIComponent(stuck.source)}` : ""}`}
              >
                audit #{stuck.resolution.releaseAuditId}
              </Link>
            </>
          )}
        </p>
      )}
      <div className="flex flex-wrap items-center gap-2">
        <span>Key</span>
        <EntityChip type="advisory_lock" value={stuck.key.replace(/^\((-?\d+), (-?\d+)\)$/, "$1,$2")} />
        {stuck.entities.map((e) => (
          <span key={`${e.type}=${e.value}`} data-testid="key-entity" title={`the key of ${e.via}`}>
            maps to <EntityChip type={e.type} value={e.value} />
          </span>
        ))}
        {stuck.source && (
          <Link className="text-xs underline" href={`/locks?source=${encodeURIComponent(stuck.source)}`}>
            on the Locks page
          </Link>
        )}
      </div>
      <ImpactNote windows={stuck.impact} testId="stuck-impact" />
      {live.error && !live.data && <p className="text-amber-800 dark:text-amber-300">Live locks unavailable: {live.error.message}</p>}
      {live.data && (
        <div data-testid="stuck-holders">
          {!group || group.holders.length === 0 ? (
            <p className="text-slate-600 dark:text-slate-400">
              Nobody holds this lock right now{group?.waiters.length ? ` (${group.waiters.length} waiting)` : ""}.
            </p>
          ) : (
            <ul className="space-y-1">
              {group.holders.map((h) => {
                const b = byPid.get(h.pid);
                return (
                  <li key={h.pid} data-testid="stuck-holder" data-pid={h.pid} className="flex flex-wrap items-center gap-2">
                    <span>
                      Held by <span className="font-mono">{h.pid}</span> {b?.application || "—"} · {b?.user ?? "?"} · {b?.state ?? "?"}
                      {b?.stateAgeMs != null ? ` for ${formatMs(b.stateAgeMs)}` : ""} · {group.waiters.length} waiting now
                    </span>
                    {b && (
                      <button
                        type="button"
                        disabled={releaseBlockedReason(canAct, b) !== undefined}
                        data-needs-role={canAct ? undefined : "operator"}
                        title={releaseBlockedReason(canAct, b)}
                        onClick={() => setTarget({ action: "release", pid: h.pid, backendStart: b.backendStart!, lock: group.target, what, backend: b })}
                        className="rounded bg-red-600 px-2 py-1 text-xs font-medium text-white hover:bg-red-700 disabled:cursor-not-allowed disabled:opacity-40"
                      >
                        Release
                      </button>
                    )}
                    {b && <RoleHint role="operator" />}
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      )}
      {last && (
        <p
          role="status"
          data-testid="lock-action-result"
          className={`rounded border p-2 ${last.ok ? "border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-200" : "border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"}`}
        >
          {last.text}
          {last.ok && !resolved && " — the incident resolves itself at the next lock sample."}
        </p>
      )}
      {target && stuck.source && (
        <ActionDialog
          source={stuck.source}
          target={target}
          onClose={(r) => {
            setTarget(null);
            if (r) setLast(r);
            void qc.invalidateQueries({ queryKey: incidentKeys.all });
          }}
        />
      )}
    </div>
  );
}

/** Lock-wait and lock-timeout incidents the same lock caused, with what links them. */
export function RelatedIncidents({ items }: { items: Stuck["related"] }) {
  if (items.length === 0) return <p className="text-sm text-slate-500">No lock-wait or lock-timeout incident names this key, its entities or its waiters.</p>;
  return (
    <ul className="space-y-1 text-sm" data-testid="related-incidents">
      {items.map((i) => (
        <li key={i.id} data-testid="related-incident" className="flex flex-wrap items-center gap-2">
          <Link className="underline" href={`/incidents/${i.id}`}>
            {i.title}
          </Link>
          <span className="text-xs text-slate-500">
            {i.source ?? "no source"}
            {i.subject && !i.title.includes(i.subject) ? (
              <>
                {" "}
                · <code className="font-mono">{i.subject}</code>
              </>
            ) : null}{" "}
            · {i.count.toLocaleString()} events · {i.status} · last <TimeAgo iso={i.lastSeen} /> · via {i.via}
          </span>
        </li>
      ))}
    </ul>
  );
}
