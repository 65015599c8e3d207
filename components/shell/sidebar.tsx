"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const NAV = [
  { href: "/", label: "Overview" },
  { href: "/incidents", label: "Incidents" },
  { href: "/entities", label: "Entities" },
  { href: "/locks", label: "Locks" },
  { href: "/capacity", label: "Capacity" },
  { href: "/failed-writes", label: "Failed writes" },
  { href: "/sources", label: "Sources" },
  { href: "/audit", label: "Audit" },
  { href: "/settings", label: "Settings" },
];

/**
 * The main navigation: a column on the left from Tailwind's `md` up; below it hidden until the
 * header's menu button opens it (`open`) as a drawer over the page.
 */
export function Sidebar({ open, onClose }: { open: boolean; onClose: () => void }) {
  const pathname = usePathname();
  return (
    <nav
      id="main-nav"
      aria-label="Main"
      className={`${open ? "fixed inset-y-0 left-0 z-50 block shadow-xl" : "hidden"} w-52 shrink-0 overflow-y-auto border-r border-slate-200 bg-white md:static md:block md:shadow-none dark:border-slate-800 dark:bg-slate-900`}
    >
      <div className="flex h-12 items-center gap-2 border-b border-slate-200 px-4 font-semibold tracking-tight dark:border-slate-800">
        <span aria-hidden className="inline-block h-3 w-3 rounded-sm bg-amber-500" />
        Lockboard
        {open && (
          <button
            type="button"
            onClick={onClose}
            aria-label="Close menu"
            className="ml-auto rounded px-2 py-1 text-lg leading-none hover:bg-slate-100 md:hidden dark:hover:bg-slate-800"
          >
            ×
          </button>
        )}
      </div>
      <ul className="p-2 text-sm">
        {NAV.map((item) => {
          const active = item.href === "/" ? pathname === "/" : pathname.startsWith(item.href);
          return (
            <li key={item.href}>
              <Link
                href={item.href}
                onClick={onClose}
                aria-current={active ? "page" : undefined}
                className={`block rounded px-3 py-2 ${active ? "bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900" : "text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"}`}
              >
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
