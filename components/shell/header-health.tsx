"use client";

import Link from "next/link";
import { useEffect, useId, useRef, useState } from "react";
import { useHealth, useSourceHealth } from "@/components/data/health-query";

const DOT: Record<string, string> = {
  up: "bg-emerald-500",
  ok: "bg-emerald-500",
  degraded: "bg-amber-500",
  unknown: "bg-slate-400",
  down: "bg-red-500",
};

function Row({ label, status, title }: { label: string; status: string; title?: string }) {
  return (
    <li title={title} className="flex items-center gap-2 px-3 py-1.5 text-xs" data-status={status}>
      <span aria-hidden className={`h-2 w-2 shrink-0 rounded-full ${DOT[status] ?? DOT.unknown}`} />
      <span className="min-w-0 flex-1 truncate">{label}</span>
      <span className="sr-only">: </span>
      <span className={status === "down" ? "font-medium text-red-700 dark:text-red-300" : "text-slate-500"}>{status}</span>
    </li>
  );
}

/**
 * The header's health at a glance: one line ("9 sources · 1 down", the store named only when it is
 * not ok) that opens the list of the store and every source. A button with a disclosure: Enter or
 * Space opens it, Escape or a click elsewhere closes it.
 */
export function HeaderHealth() {
  const health = useHealth();
  const sources = useSourceHealth();
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const listId = useId();
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => !box.current?.contains(e.target as Node) && setOpen(false);
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener("mousedown", onDown);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("mousedown", onDown);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  const storeStatus = health.isError ? "down" : (health.data?.status ?? "unknown");
  const items = sources.data?.items ?? [];
  const down = items.filter((s) => s.status === "down").length;
  const degraded = items.filter((s) => s.status === "degraded").length;
  const worst = storeStatus === "down" || down ? "down" : degraded || storeStatus === "degraded" ? "degraded" : storeStatus === "ok" ? "ok" : "unknown";
  const parts = [
    ...(storeStatus !== "ok" ? [`store ${storeStatus}`] : []),
    sources.data ? `${items.length} source${items.length === 1 ? "" : "s"}` : "sources…",
    ...(down ? [`${down} down`] : []),
    ...(degraded ? [`${degraded} degraded`] : []),
  ];
  const summary = parts.join(" · ");
  return (
    <div ref={box} className="relative min-w-0" data-testid="header-health">
      <button
        ref={button}
        type="button"
        onClick={() => setOpen((o) => !o)}
        aria-expanded={open}
        aria-controls={listId}
        aria-label={`Health: ${summary}. Show the store and every source`}
        data-testid="health-summary"
        className="flex max-w-full items-center gap-1.5 rounded-full border border-slate-200 px-2.5 py-1 text-xs hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
      >
        <span aria-hidden className={`h-2 w-2 shrink-0 rounded-full ${DOT[worst]}`} />
        <span className="truncate">{summary}</span>
        <span aria-hidden className="text-slate-400">
          ▾
        </span>
      </button>
      {open && (
        <div
          id={listId}
          className="absolute left-0 top-full z-50 mt-1 w-72 max-w-[calc(100vw-1.5rem)] rounded-lg border border-slate-200 bg-white py-1 shadow-lg dark:border-slate-700 dark:bg-slate-900"
          data-testid="health-list"
        >
          <ul aria-label="Store and sources" className="max-h-[60vh] overflow-y-auto">
            <Row label="Store" status={storeStatus} title={health.error?.message ?? health.data?.store.serverVersion} />
            {items.map((s) => (
              <Row key={s.id} label={`${s.name}${s.demo ? " (demo)" : ""}`} status={s.status} title={s.error ?? `${s.kind} source`} />
            ))}
          </ul>
          {sources.data && items.length === 0 && <p className="px-3 py-1.5 text-xs text-slate-500">No sources yet.</p>}
          <Link href="/sources" onClick={() => setOpen(false)} className="block border-t border-slate-100 px-3 py-1.5 text-xs underline dark:border-slate-800">
            Sources
          </Link>
        </div>
      )}
    </div>
  );
}
