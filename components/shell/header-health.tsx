"use client";

import { useHealth, useSourceHealth } from "@/components/data/health-query";

const DOT: Record<string, string> = {
  up: "bg-emerald-500",
  ok: "bg-emerald-500",
  degraded: "bg-amber-500",
  unknown: "bg-slate-400",
  down: "bg-red-500",
};

function Badge({ label, status, title }: { label: string; status: string; title?: string }) {
  return (
    <span title={title} className="inline-flex items-center gap-1.5 rounded-full border border-slate-200 px-2 py-0.5 text-xs dark:border-slate-700">
      <span aria-hidden className={`h-2 w-2 rounded-full ${DOT[status] ?? DOT.unknown}`} />
      {label}
      <span className="sr-only">: {status}</span>
    </span>
  );
}

export function HeaderHealth() {
  const health = useHealth();
  const sources = useSourceHealth();
  const storeStatus = health.isError ? "down" : (health.data?.status ?? "unknown");
  return (
    <div className="flex min-w-0 items-center gap-2 overflow-x-auto" data-testid="header-health">
      <Badge label="Store" status={storeStatus} title={health.error?.message ?? health.data?.store.serverVersion} />
      {sources.data?.items.map((s) => (
        <Badge
          key={s.id}
          label={`${s.name}${s.demo ? " (demo)" : ""}`}
          status={s.status}
          title={s.error ?? `${s.kind} source`}
        />
      ))}
      {sources.data && sources.data.items.length === 0 && (
        <span className="text-xs text-slate-500">No sources yet</span>
      )}
    </div>
  );
}
