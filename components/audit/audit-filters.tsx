"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useAuditFacets, type AuditFilters } from "@/components/data/audit-query";
import { FILTER_INPUT } from "@/components/ui/filter-form";
import { WindowFields } from "@/components/ui/window-fields";
import { AUDIT_ACTIONS } from "@/lib/audit/action-names";
import { actorWords, AUDIT_FILTER_KEYS } from "@/lib/audit/audit-values";
import type { AuditFacetValue } from "@/lib/audit/list-audit-facets";

const RANGES = [
  { value: "", label: "any time" },
  { value: "1h", label: "last hour" },
  { value: "24h", label: "last 24 hours" },
  { value: "7d", label: "last 7 days" },
  { value: "30d", label: "last 30 days" },
  { value: "custom", label: "between…" },
] as const;

const meaning = (name: string) => (AUDIT_ACTIONS as Record<string, string>)[name];

/** The facet's values, and the one the URL holds even when the store no longer has it. */
function withCurrent(values: AuditFacetValue[] | undefined, current: string | null): AuditFacetValue[] {
  const list = values ?? [];
  return current && !list.some((v) => v.value === current) ? [{ value: current, count: 0 }, ...list] : list;
}

function Select({
  name,
  label,
  value,
  onChange,
  children,
}: {
  name: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  children: React.ReactNode;
}) {
  return (
    <label className="flex flex-col gap-1 text-xs text-slate-500">
      {label}
      <select name={name} value={value} onChange={(e) => onChange(e.target.value)} className={`${FILTER_INPUT} max-w-56 text-slate-900 dark:text-slate-100`}>
        {children}
      </select>
    </label>
  );
}

/**
 * Filters are selects of what the store holds, and live in the URL: each change is a new history
 * entry (Back undoes it), a reload keeps it, and the export takes the same filters.
 */
export function AuditFiltersBar({ filters: shown }: { filters: AuditFilters }) {
  const router = useRouter();
  const sp = useSearchParams();
  // What the operator chose last, ahead of the page the server renders for it: two quick choices
  // in a row both count, not only the one whose page arrived last.
  const [filters, setFilters] = useState(shown);
  const [custom, setCustom] = useState(!!(shown.from || shown.to));
  // A new page from the server (Back, Forward, a link) resets it (React's "adjust state on a prop change").
  const shownKey = JSON.stringify(shown);
  const [seen, setSeen] = useState(shownKey);
  if (seen !== shownKey) {
    setSeen(shownKey);
    setFilters(shown);
    setCustom(!!(shown.from || shown.to));
  }
  const facets = useAuditFacets({ from: filters.from, to: filters.to });
  const go = (next: AuditFilters) => {
    setFilters(next);
    const p = new URLSearchParams();
    for (const k of AUDIT_FILTER_KEYS) if (next[k]) p.set(k, next[k]!);
    router.push(p.size ? `/audit?${p}` : "/audit");
  };
  const set = (k: keyof AuditFilters) => (v: string) => go({ ...filters, [k]: v || undefined });
  const setRange = (v: string) => {
    if (v === "custom") return setCustom(true);
    setCustom(false);
    go({ ...filters, range: v || undefined, from: undefined, to: undefined });
  };
  const applyTimes = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const iso = (k: string) => (String(form.get(k) ?? "") ? new Date(String(form.get(k))).toISOString() : undefined);
    go({ ...filters, range: undefined, from: iso("from"), to: iso("to") });
  };
  const exportUrl = (format: string) => {
    const p = new URLSearchParams(sp);
    p.set("format", format);
    return `/api/audit/export?${p}`;
  };
  const f = facets.data;
  const actions = withCurrent(f?.action, filters.action ?? null);
  const nouns = [...new Set(actions.map((a) => a.value.split(".")[0]!))].filter((n) => actions.filter((a) => a.value.startsWith(`${n}.`)).length > 1);
  return (
    <div className="mb-4 flex flex-wrap items-end gap-2 text-sm" role="search" aria-label="Audit filters">
      <Select name="action" label="Action" value={filters.action ?? ""} onChange={set("action")}>
        <option value="">every action</option>
        {nouns.map((n) => (
          <option key={n} value={n}>
            every {n.replace("_", " ")} action
          </option>
        ))}
        {actions.map((a) => (
          <option key={a.value} value={a.value} title={meaning(a.value)}>
            {a.value}
            {a.count ? ` (${a.count})` : ""}
          </option>
        ))}
      </Select>
      <Select name="actor" label="Who" value={filters.actor ?? ""} onChange={set("actor")}>
        <option value="">anyone</option>
        {withCurrent(f?.actor, filters.actor ?? null).map((a) => (
          <option key={a.value} value={a.value}>
            {actorWords(a.value)}
            {a.count ? ` (${a.count})` : ""}
          </option>
        ))}
      </Select>
      <Select name="source" label="Source" value={filters.source ?? ""} onChange={set("source")}>
        <option value="">any source</option>
        {withCurrent(f?.source, filters.source ?? null).map((a) => (
          <option key={a.value} value={a.value}>
            {a.value}
            {a.count ? ` (${a.count})` : ""}
          </option>
        ))}
      </Select>
      <Select name="outcome" label="Outcome" value={filters.outcome ?? ""} onChange={set("outcome")}>
        <option value="">any outcome</option>
        {withCurrent(f?.outcome, filters.outcome ?? null).map((a) => (
          <option key={a.value} value={a.value}>
            {a.value.replace(/_/g, " ")}
            {a.count ? ` (${a.count})` : ""}
          </option>
        ))}
      </Select>
      <Select name="range" label="When" value={custom ? "custom" : (filters.range ?? "")} onChange={setRange}>
        {RANGES.map((r) => (
          <option key={r.value} value={r.value}>
            {r.label}
          </option>
        ))}
      </Select>
      {custom && (
        <form onSubmit={applyTimes} className="flex items-end gap-2" aria-label="Audit time range" key={`${filters.from}-${filters.to}`}>
          <WindowFields from={filters.from} to={filters.to} labelClassName="text-xs text-slate-500" />
        </form>
      )}
      {sp.size > 0 && (
        <button
          type="button"
          className="rounded px-2 py-1 underline"
          onClick={() => {
            setCustom(false);
            go({});
          }}
        >
          Clear filters
        </button>
      )}
      <span className="ml-auto flex gap-1">
        <a className="rounded px-2 py-1 underline" href={exportUrl("csv")}>
          Export CSV
        </a>
        <a className="rounded px-2 py-1 underline" href={exportUrl("json")}>
          Export JSON
        </a>
      </span>
    </div>
  );
}
