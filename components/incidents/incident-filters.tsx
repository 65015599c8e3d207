"use client";

import { usePathname, useRouter } from "next/navigation";
import type { FormEvent } from "react";
import { exportUrl, filterParams, type IncidentFilters } from "@/components/data/incidents-query";
import { useSources } from "@/components/data/sources-query";
import { FILTER_INPUT, formFilters } from "@/components/ui/filter-form";
import { WindowFields } from "@/components/ui/window-fields";
import { INCIDENT_LIST_RANGES } from "@/lib/vocabulary/time-ranges";
import { KIND_LABEL } from "./status-badge";

const STATUSES = ["open", "acknowledged", "resolved", "muted"];

/** Every filter lives in the URL: a link shares the view and a reload keeps it. Selects apply at once. */
export function IncidentFiltersBar({ filters }: { filters: IncidentFilters }) {
  const router = useRouter();
  const pathname = usePathname();
  const sources = useSources();
  const go = (next: IncidentFilters) => router.replace(`${pathname}?${filterParams(next)}`, { scroll: false });
  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    go({ sort: filters.sort, ...formFilters(e.currentTarget) });
  };
  const onSelect = (name: keyof IncidentFilters) => (e: React.ChangeEvent<HTMLSelectElement>) => go({ ...filters, [name]: e.target.value || undefined });
  const kinds = [...new Set([...Object.keys(KIND_LABEL), ...(filters.kind ? [filters.kind] : [])])];
  return (
    <form onSubmit={apply} className="mb-4 flex flex-wrap items-end gap-2 text-sm" aria-label="Filter incidents" key={JSON.stringify(filters)}>
      <label className="flex flex-col gap-1">
        Kind
        <select name="kind" aria-label="Kind" defaultValue={filters.kind ?? ""} onChange={onSelect("kind")} className={FILTER_INPUT}>
          <option value="">any</option>
          {kinds.map((k) => (
            <option key={k} value={k}>
              {KIND_LABEL[k] ?? k}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1">
        Status
        <select name="status" aria-label="Status" defaultValue={filters.status ?? ""} onChange={onSelect("status")} className={FILTER_INPUT}>
          <option value="">any</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1">
        Source
        <select name="source" aria-label="Source" defaultValue={filters.source ?? ""} onChange={onSelect("source")} className={FILTER_INPUT}>
          <option value="">any</option>
          {[...new Set([...(sources.data ?? []).map((s) => s.name), ...(filters.source ? [filters.source] : [])])].map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1">
        Seen in the last
        <select name="range" aria-label="Seen in the last" defaultValue={filters.range ?? ""} onChange={onSelect("range")} className={FILTER_INPUT}>
          <option value="">any time</option>
          {INCIDENT_LIST_RANGES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <WindowFields from={filters.from} to={filters.to} search={{ value: filters.q, placeholder: "title, kind, fingerprint" }} />
      {Object.values(filters).some(Boolean) && (
        <button type="button" onClick={() => go({})} className="rounded px-2 py-1.5 text-slate-600 underline dark:text-slate-400">
          Clear
        </button>
      )}
      <span className="ml-auto flex gap-2">
        <a className="rounded border border-slate-300 px-2 py-1.5 dark:border-slate-700" href={exportUrl(filters, "csv")} download>
          Export CSV
        </a>
        <a className="rounded border border-slate-300 px-2 py-1.5 dark:border-slate-700" href={exportUrl(filters, "json")} download>
          Export JSON
        </a>
      </span>
    </form>
  );
}
