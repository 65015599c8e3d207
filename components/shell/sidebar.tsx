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

export function Sidebar() {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="w-52 shrink-0 border-r border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <div className="flex h-12 items-center gap-2 border-b border-slate-200 px-4 font-semibold tracking-tight dark:border-slate-800">
        <span aria-hidden className="inline-block h-3 w-3 rounded-sm bg-amber-500" />
        Lockboard
      </div>
      <ul className="p-2 text-sm">
        {NAV.map((item) => {
          const active = item.href === "/" ? pathname === "/" : pathname.startsWith(item.href);
          return (
            <li key={item.href}>
              <Link
                href={item.href}
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
