"use client";

import { usePathname } from "next/navigation";
import { useEffect, useState, type ReactNode } from "react";
import { HeaderHealth } from "./header-health";
import { Sidebar } from "./sidebar";

/**
 * The signed-in page: navigation, header (health summary, `headerEnd`) and the page. Under the
 * `md` breakpoint the navigation folds behind a menu button, so a phone keeps its whole width.
 */
export function AppFrame({ headerEnd, children }: { headerEnd: ReactNode; children: ReactNode }) {
  const pathname = usePathname();
  // Open on the page it was opened on: following a link (a new pathname) closes it.
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === pathname;
  const setOpen = (o: boolean) => setOpenOn(o ? pathname : null);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpenOn(null);
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open]);
  return (
    <div className="flex min-h-screen">
      <Sidebar open={open} onClose={() => setOpen(false)} />
      {open && <div aria-hidden className="fixed inset-0 z-40 bg-black/30 md:hidden" onClick={() => setOpen(false)} />}
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex h-12 items-center justify-between gap-2 border-b border-slate-200 bg-white px-3 md:gap-4 md:px-4 dark:border-slate-800 dark:bg-slate-900">
          <div className="flex min-w-0 flex-1 items-center gap-2">
            <button
              type="button"
              onClick={() => setOpen(true)}
              aria-label="Open menu"
              aria-expanded={open}
              aria-controls="main-nav"
              className="rounded border border-slate-300 px-2 py-1 text-sm md:hidden dark:border-slate-700"
            >
              ☰
            </button>
            <HeaderHealth />
          </div>
          <div className="flex shrink-0 items-center gap-1.5 md:gap-2">{headerEnd}</div>
        </header>
        <main className="min-w-0 flex-1 p-3 md:p-6">{children}</main>
      </div>
    </div>
  );
}
