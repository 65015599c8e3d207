"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import type { FormEvent } from "react";
import type { FailedWriteFilters } from "@/components/data/failed-writes-query";

const STATUSES = ["pending", "replaying", "applied", "already_present", "conflict", "failed"];
const KINDS = ["duplicate_key", "resource_busy", "lock_timeout", "deadlock", "serialization", "connection", "timeout", "other"];
const input = "rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900";

/** Filters live in the URL, so a filtered view can be shared and survives a reload. */
export function FailedWriteFiltersBar({ filters }: { filters: FailedWriteFilters }) {
  const router = useRouter();
  const pathname = usePathname();
  const current = useSearchParams();
  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const params = new URLSearchParams();
    for (const [k, v] of form.entries()) {
      const s = String(v).trim();
      if (!s) continue;
      params.set(k, k === "from" || k === "to" ? new Date(s).toISOString() : s);
    }
    if (current.get("id")) params.set("id", current.get("id")!);
    router.replace(`${pathname}?${params}`);
  };
  const local = (iso?: string) => (iso ? new Date(iso).toISOString().slice(0, 16) : "");
  return (
    <form onSubmit={apply} className="mb-4 flex flex-wrap items-end gap-2 text-sm" aria-label="Filter failed writes" key={JSON.stringify(filters)}>
      <label className="flex flex-col gap-1">Status
        <select name="status" defaultValue={filters.status ?? ""} className={input}>
          <option value="">any</option>
          {STATUSES.map((s) => <option key={s} value={s}>{s.replace("_", " ")}</option>)}
        </select>
      </label>
      <label className="flex flex-col gap-1">Error kind
        <select name="errorKind" defaultValue={filters.errorKind ?? ""} className={input}>
          <option value="">any</option>
          {KINDS.map((k) => <option key={k} value={k}>{k.replace("_", " ")}</option>)}
        </select>
      </label>
      <label className="flex flex-col gap-1">Source<input name="source" defaultValue={filters.source ?? ""} className={input} placeholder="name" /></label>
      <label className="flex flex-col gap-1">Namespace<input name="namespace" defaultValue={filters.namespace ?? ""} className={input} placeholder="db.collection" /></label>
      <label className="flex flex-col gap-1">From<input type="datetime-local" name="from" defaultValue={local(filters.from)} className={input} /></label>
      <label className="flex flex-col gap-1">To<input type="datetime-local" name="to" defaultValue={local(filters.to)} className={input} /></label>
      <label className="flex flex-col gap-1">Search<input name="q" defaultValue={filters.q ?? ""} className={input} placeholder="key or content" /></label>
      <button type="submit" className="rounded bg-slate-800 px-3 py-1.5 text-white dark:bg-slate-200 dark:text-slate-900">Apply</button>
    </form>
  );
}
