"use client";

import { needsRole, RoleHint, useCan } from "@/components/auth/actor-context";
import type { LockSnapshot } from "@/components/data/locks-query";
import type { AdvisoryLockGroup, Backend, LockInfo, TreeNode } from "@/lib/postgres/lock-model";
import { useLockImpact } from "@/components/data/lock-impact-query";
import type { ImpactWindow } from "@/lib/postgres/list-holder-impact";
import type { ActionTarget } from "./action-dialog";
import { formatMs } from "./format";
import { ImpactNote } from "./impact-note";
import { CARD } from "@/components/ui/panel";

/** Root blockers first; each node says who it is, what it waits for and for how long. */
/** `onAct` null: a past picture, with no actions at all (its holders may be gone or someone else now). */
export function BlockingTree({ snap, onAct }: { snap: LockSnapshot; onAct: ((t: ActionTarget) => void) | null }) {
  const byPid = new Map(snap.backends.map((b) => [b.pid, b]));
  const impact = new Map((useLockImpact(snap.source.name).data?.holders ?? []).map((h) => [h.pid, h.windows]));
  const waitsOf = new Map<number, LockInfo>();
  for (const l of snap.locks) if (!l.granted && l.pid !== null && !waitsOf.has(l.pid)) waitsOf.set(l.pid, l);
  const groups = new Map(snap.advisory.map((g) => [g.objectKey, g]));
  const advisoryHeld = new Map<number, AdvisoryLockGroup>();
  for (const l of snap.locks)
    if (l.granted && l.objectKey && l.pid !== null && !advisoryHeld.has(l.pid) && groups.has(l.objectKey)) advisoryHeld.set(l.pid, groups.get(l.objectKey)!);
  return (
    <div className={CARD}>
      <h2 className="border-b border-slate-200 px-3 py-2 text-sm font-medium dark:border-slate-800">
        Blocking tree ({snap.tree.length} root blocker{snap.tree.length === 1 ? "" : "s"})
      </h2>
      {snap.tree.length === 0 ? (
        <div className="p-3 text-sm text-slate-500" data-testid="blocking-tree-empty">
          <p>Nobody is waiting for a lock right now.</p>
          {[...impact]
            .filter(([, w]) => w.some((x) => x.waits > 0))
            .slice(0, 10)
            .map(([pid, w]) => (
              <div key={pid} data-testid="recent-blocker" data-pid={pid} className="mt-1">
                <span className="font-mono">{pid}</span> {byPid.get(pid)?.application ?? ""}: <ImpactNote windows={w} testId="holder-impact" />
              </div>
            ))}
        </div>
      ) : (
        <ul className="space-y-2 p-3" data-testid="blocking-tree">
          {snap.tree.map((n) => (
            <Node key={n.pid} node={n} root byPid={byPid} waitsOf={waitsOf} advisoryHeld={advisoryHeld} onAct={onAct} impact={impact.get(n.pid)} />
          ))}
        </ul>
      )}
    </div>
  );
}

function Node({
  node,
  root,
  byPid,
  waitsOf,
  advisoryHeld,
  onAct,
  impact,
}: {
  node: TreeNode;
  impact?: ImpactWindow[];
  root?: boolean;
  byPid: Map<number, Backend>;
  waitsOf: Map<number, LockInfo>;
  advisoryHeld: Map<number, AdvisoryLockGroup>;
  onAct: ((t: ActionTarget) => void) | null;
}) {
  const canAct = useCan("operator");
  const gate = canAct ? {} : { disabled: true, title: `Read-only: ${needsRole("operator")}`, "data-needs-role": "operator" };
  const b = byPid.get(node.pid);
  const wait = waitsOf.get(node.pid);
  const held = advisoryHeld.get(node.pid);
  const act = (action: "cancel" | "terminate") =>
    b?.backendStart &&
    onAct?.({
      action,
      pid: node.pid,
      backendStart: b.backendStart,
      lock: held?.target,
      what: held ? `advisory ${held.key.form === "bigint" ? "key" : "keys"} ${held.key.label}` : "no advisory lock, only the locks listed below",
      backend: b,
    });
  return (
    <li data-testid={root ? "tree-root" : "tree-node"} data-pid={node.pid} className="rounded border border-slate-200 p-2 text-sm dark:border-slate-700">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <span className="font-mono font-semibold">{node.pid}</span>
        {root && <span className="rounded bg-amber-500 px-1.5 text-xs font-semibold text-white">root blocker</span>}
        <span>{b?.application || "—"}</span>
        <span className="text-slate-600 dark:text-slate-400">
          {b?.user ?? "?"}
          {b?.client ? ` @ ${b.client}` : ""}
        </span>
        <span>
          {b?.state ?? "?"}
          {b?.stateAgeMs != null ? ` for ${formatMs(b.stateAgeMs)}` : ""}
        </span>
        {b?.xactAgeMs != null && <span className="text-slate-600 dark:text-slate-400">transaction {formatMs(b.xactAgeMs)}</span>}
        {b?.waitEvent && <span className="text-slate-600 dark:text-slate-400">{b.waitEvent}</span>}
        {onAct && root && b && !b.own && b.backendStart && (
          <span className="ml-auto flex flex-wrap items-center gap-2">
            <RoleHint role="operator" />
            <button
              type="button"
              {...gate}
              onClick={() => act("cancel")}
              className="rounded border border-slate-300 px-2 py-0.5 text-xs disabled:opacity-40 dark:border-slate-600"
            >
              Cancel query
            </button>
            <button
              type="button"
              {...gate}
              onClick={() => act("terminate")}
              className="rounded border border-red-400 px-2 py-0.5 text-xs text-red-700 disabled:opacity-40 dark:text-red-300"
            >
              Terminate
            </button>
          </span>
        )}
      </div>
      {root && (
        <div className="mt-1">
          <ImpactNote windows={impact} testId="holder-impact" />
        </div>
      )}
      {wait && (
        <div className="mt-1 text-xs text-slate-600 dark:text-slate-400">
          waits for {wait.label} ({wait.mode}) for {formatMs(wait.waitMs)}
        </div>
      )}
      {b?.query && (
        <div className="mt-1 truncate font-mono text-xs text-slate-500" title={b.query}>
          {b.query}
        </div>
      )}
      {node.children.length > 0 && (
        <ul className="mt-2 space-y-2 border-l-2 border-slate-200 pl-3 dark:border-slate-700">
          {node.children.map((c) => (
            <Node key={c.pid} node={c} byPid={byPid} waitsOf={waitsOf} advisoryHeld={advisoryHeld} onAct={onAct} />
          ))}
        </ul>
      )}
    </li>
  );
}
