"use client";

import { useRouter, useSearchParams } from "next/navigation";
import type { FormEvent } from "react";

const FIELDS = [
  { name: "actor", label: "Who" },
  { name: "action", label: "Action" },
  { name: "outcome", label: "Outcome" },
  { name: "source", label: "Source" },
] as const;

/** Filters live in the URL, so a filtered audit view can be shared and exported as shown. */
export function AuditFilters() {
  const router = useRouter();
  const sp = useSearchParams();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const [k, v] of new FormData(e.currentTarget)) if (String(v).trim()) next.set(k, String(v).trim());
    router.push(`/audit?${next}`);
  };
  const exportUrl = (format: string) => {
    const p = new URLSearchParams(sp);
    p.set("format", format);
    return `/api/audit/export?${p}`;
  };
  return (
    <form onSubmit={submit} className="mb-4 flex flex-wrap items-end gap-2 text-sm" aria-label="Audit filters">
      {FIELDS.map((f) => (
        <label key={f.name} className="flex flex-col text-xs text-slate-500">
          {f.label}
          <input name={f.name} defaultValue={sp.get(f.name) ?? ""} className="rounded border border-slate-300 bg-white px-2 py-1 text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100" />
        </label>
      ))}
      <button className="rounded bg-slate-900 px-3 py-1 text-white dark:bg-slate-100 dark:text-slate-900">Filter</button>
      <a className="rounded px-2 py-1 underline" href={exportUrl("csv")}>Export CSV</a>
      <a className="rounded px-2 py-1 underline" href={exportUrl("json")}>Export JSON</a>
    </form>
  );
}
