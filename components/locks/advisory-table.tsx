"use client";

import { RoleHint, useCan } from "@/components/auth/actor-context";
import type { LockSnapshot } from "@/components/data/locks-query";
import type { ActionTarget } from "./action-dialog";
import { releaseBlockedReason } from "./release-gate";
import { formatMs } from "./format";
import { EntityChip } from "@/components/entities/entity-chip";
import { useLockImpact } from "@/components/data/lock-impact-query";
import { ImpactNote } from "./impact-note";
import { CARD } from "@/components/ui/panel";

const MAX_ROWS = 200;

/** `onRelease` null: a past picture, with no Release at all (its holders may be gone or someone else now). */
export function AdvisoryTable({ snap, onRelease }: { snap: LockSnapshot; onRelease: ((t: ActionTarget) => void) | null }) {
  const canAct = useCan("operator");
  const impact = useLockImpact(snap.source.name).data;
  const byKey = new Map((impact?.keys ?? []).map((k) => [k.objectKey, k]));
  const byPid = new Map(snap.backends.map((b) => [b.pid, b]));
  // Stuck and contended keys sort first; one session holding thousands of keys is summarized.
  const all = snap.advisory.flatMap((g) => (g.holders.length ? g.holders : [null]).map((h) => ({ g, h, b: h ? byPid.get(h.pid) : undefined })));
  const rows = [...all.filter((r) => r.g.stuck), ...all.filter((r) => !r.g.stuck)].slice(0, MAX_ROWS);
  return (
    <div className={CARD}>
      <h2 className="flex flex-wrap items-baseline gap-2 border-b border-slate-200 px-3 py-2 text-sm font-medium dark:border-slate-800">
        Advisory keys ({snap.advisory.length}) {onRelease && <RoleHint role="operator" className="font-normal" />}
      </h2>
      {rows.length === 0 ? (
        <p className="p-3 text-sm text-slate-500">No advisory lock is held or awaited right now.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th className="px-3 py-2">Key</th>
                <th className="px-3 py-2">Mode</th>
                <th className="px-3 py-2">Holder</th>
                <th className="px-3 py-2">Holder state</th>
                <th className="px-3 py-2">Waiters</th>
                <th className="px-3 py-2">Longest wait</th>
                <th className="px-3 py-2" />
              </tr>
            </thead>
            <tbody>
              {rows.map(({ g, h, b }) => (
                <tr
                  key={`${g.objectKey}-${h?.pid ?? "none"}`}
                  data-testid="advisory-row"
                  data-stuck={g.stuck ? "true" : "false"}
                  className={`border-t border-slate-100 align-top dark:border-slate-800 ${g.stuck ? "bg-red-50 dark:bg-red-950/40" : ""}`}
                >
                  <td className="px-3 py-2">
                    <EntityChip type="advisory_lock" value={g.key.form === "bigint" ? g.key.key : `${g.key.key1},${g.key.key2}`} />
                    <span className="ml-1 text-xs text-slate-500">
                      {g.key.form === "bigint" ? "bigint" : "int4, int4"}
                      {g.database ? ` · ${g.database}` : ""}
                    </span>
                    {g.stuck && (
                      <span className="ml-2 rounded bg-red-600 px-1.5 py-0.5 text-xs font-semibold text-white" title={g.stuck.reason}>
                        Stuck
                      </span>
                    )}
                    {g.stuck && <div className="text-xs text-red-800 dark:text-red-300">{g.stuck.reason}</div>}
                    {(byKey.get(g.objectKey)?.entities ?? []).map((e) => (
                      <div key={`${e.type}=${e.value}`} data-testid="key-entity" className="mt-1 text-xs text-slate-500" title={`the key of ${e.via}`}>
                        maps to <EntityChip type={e.type} value={e.value} />
                      </div>
                    ))}
                  </td>
                  <td className="px-3 py-2">{h ? (h.mode.includes("Exclusive") ? "exclusive" : "shared") : "—"}</td>
                  <td className="px-3 py-2">
                    {h ? (
                      <>
                        <span className="font-mono">{h.pid}</span>{" "}
                        <span className="text-slate-600 dark:text-slate-400">
                          {b?.application || "—"} · {b?.user ?? "?"}
                        </span>
                        {b?.client && <div className="text-xs text-slate-500">{b.client}</div>}
                      </>
                    ) : (
                      "nobody (waiters only)"
                    )}
                  </td>
                  <td className="px-3 py-2">
                    {b?.state ?? "—"}{" "}
                    {b?.stateAgeMs !== null && b?.stateAgeMs !== undefined && <span className="text-xs text-slate-500">for {formatMs(b.stateAgeMs)}</span>}
                    {b?.xactAgeMs !== null && b?.xactAgeMs !== undefined && (
                      <div className="text-xs text-slate-500">transaction open {formatMs(b.xactAgeMs)}</div>
                    )}
                  </td>
                  <td className="px-3 py-2">
                    {g.waiters.length ? g.waiters.map((w) => w.pid).join(", ") : "none right now"}
                    <ImpactNote windows={byKey.get(g.objectKey)?.windows} />
                  </td>
                  <td className="px-3 py-2">{formatMs(g.longestWaitMs)}</td>
                  <td className="px-3 py-2 text-right">
                    {onRelease && h && b && (
                      <button
                        type="button"
                        disabled={releaseBlockedReason(canAct, b) !== undefined}
                        data-needs-role={canAct ? undefined : "operator"}
                        title={releaseBlockedReason(canAct, b)}
                        onClick={() =>
                          onRelease({
                            action: "release",
                            pid: h.pid,
                            backendStart: b.backendStart!,
                            lock: g.target,
                            what: `advisory ${g.key.form === "bigint" ? "key" : "keys"} ${g.key.label}`,
                            backend: b,
                          })
                        }
                        className="rounded bg-red-600 px-2 py-1 text-xs font-medium text-white hover:bg-red-700 disabled:cursor-not-allowed disabled:opacity-40"
                      >
                        Release
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {all.length > rows.length && (
            <p className="border-t border-slate-100 px-3 py-2 text-xs text-slate-500 dark:border-slate-800">
              Showing {rows.length} of {all.length.toLocaleString()} advisory holds (stuck and contended first).
            </p>
          )}
        </div>
      )}
    </div>
  );
}
