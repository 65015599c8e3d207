"use client";

import { usePathname, useRouter } from "next/navigation";
import type { FormEvent } from "react";
import { exportUrl, filterParams, type IncidentFilters } from "@/components/data/incidents-query";
import { useSources } from "@/components/data/sources-query";
import { KIND_LABEL } from "./status-badge";

const STATUSES = ["open", "acknowledged", "resolved", "muted"];
const RANGES = ["1h", "6h", "24h", "7d", "30d"];
const input = "rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900";

/** Every filter lives in the URL: a link shares the view and a reload keeps it. Selects apply at once. */
export function IncidentFiltersBar({ filters }: { filters: IncidentFilters }) {
  const router = useRouter();
  const pathname = usePathname();
  const sources = useSources();
  const go = (next: IncidentFilters) => router.replace(`${pathname}?${filterParams(next)}`, { scroll: false });
  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const next: IncidentFilters = { sort: filters.sort };
    for (const [k, v] of form.entries()) {
      const s = String(v).trim();
      if (s) (next as Record<string, string>)[k] = k === "from" || k === "to" ? new Date(s).toISOString() : s;
    }
    go(next);
  };
  const onSelect = (name: keyof IncidentFilters) => (e: React.ChangeEvent<HTMLSelectElement>) => go({ ...filters, [name]: e.target.value || undefined });
  const local = (iso?: string) => (iso ? new Date(iso).toISOString().slice(0, 16) : "");
  const kinds = [...new Set([...Object.keys(KIND_LABEL), ...(filters.kind ? [filters.kind] : [])])];
  return (
    <form onSubmit={apply} className="mb-4 flex flex-wrap items-end gap-2 text-sm" aria-label="Filter incidents" key={JSON.stringify(filters)}>
      <label className="flex flex-col gap-1">Kind
        <select name="kind" aria-label="Kind" defaultValue={filters.kind ?? ""} onChange={onSelect("kind")} className={input}>
          <option value="">any</option>
          {kinds.map((k) => <option key={k} value={k}>{KIND_LABEL[k] ?? k}</option>)}
        </select>
      </label>
      <label className="flex flex-col gap-1">Status
        <select name="status" aria-label="Status" defaultValue={filters.status ?? ""} onChange={onSelect("status")} className={input}>
          <option value="">any</option>
          {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
      </label>
      <label className="flex flex-col gap-1">Source
        <select name="source" aria-label="Source" defaultValue={filters.source ?? ""} onChange={onSelect("source")} className={input}>
          <option value="">any</option>
          {[...new Set([...(sources.data ?? []).map((s) => s.name), ...(filters.source ? [filters.source] : [])])].map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
      </label>
      <label className="flex flex-col gap-1">Seen in the last
        <select name="range" aria-label="Seen in the last" defaultValue={filters.range ?? ""} onChange={onSelect("range")} className={input}>
          <option value="">any time</option>
          {RANGES.map((r) => <option key={r} value={r}>{r}</option>)}
        </select>
      </label>
      <label className="flex flex-col gap-1">From<input type="datetime-local" name="from" defaultValue={local(filters.from)} className={input} /></label>
      <label className="flex flex-col gap-1">To<input type="datetime-local" name="to" defaultValue={local(filters.to)} className={input} /></label>
      <label className="flex flex-col gap-1">Search<input name="q" defaultValue={filters.q ?? ""} className={input} placeholder="title, kind, fingerprint" /></label>
      <button type="submit" className="rounded bg-slate-800 px-3 py-1.5 text-white dark:bg-slate-200 dark:text-slate-900">Apply</button>
      {Object.values(filters).some(Boolean) && (
        <button type="button" onClick={() => go({})} className="rounded px-2 py-1.5 text-slate-600 underline dark:text-slate-400">Clear</button>
      )}
      <span className="ml-auto flex gap-2">
        <a className="rounded border border-slate-300 px-2 py-1.5 dark:border-slate-700" href={exportUrl(filters, "csv")} download>Export CSV</a>
        <a className="rounded border border-slate-300 px-2 py-1.5 dark:border-slate-700" href={exportUrl(filters, "json")} download>Export JSON</a>
      </span>
    </form>
  );
}
