"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import type { FormEvent } from "react";
import type { FailedWriteFilters } from "@/components/data/failed-writes-query";
import { FILTER_INPUT, formFilters } from "@/components/ui/filter-form";
import { WindowFields } from "@/components/ui/window-fields";
import { ERROR_KINDS } from "@/lib/replay/error-kinds";

const STATUSES = ["pending", "replaying", "applied", "already_present", "conflict", "failed"];

/** Filters live in the URL, so a filtered view can be shared and survives a reload. */
export function FailedWriteFiltersBar({ filters }: { filters: FailedWriteFilters }) {
  const router = useRouter();
  const pathname = usePathname();
  const current = useSearchParams();
  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const params = new URLSearchParams(formFilters(e.currentTarget));
    if (current.get("id")) params.set("id", current.get("id")!);
    router.replace(`${pathname}?${params}`);
  };
  return (
    <form onSubmit={apply} className="mb-4 flex flex-wrap items-end gap-2 text-sm" aria-label="Filter failed writes" key={JSON.stringify(filters)}>
      <label className="flex flex-col gap-1">
        Status
        <select name="status" defaultValue={filters.status ?? ""} className={FILTER_INPUT}>
          <option value="">any</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s.replace("_", " ")}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1">
        Error kind
        <select name="errorKind" defaultValue={filters.errorKind ?? ""} className={FILTER_INPUT}>
          <option value="">any</option>
          {ERROR_KINDS.map((k) => (
            <option key={k} value={k}>
              {k.replace("_", " ")}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1">
        Source
        <input name="source" defaultValue={filters.source ?? ""} className={FILTER_INPUT} placeholder="name" />
      </label>
      <label className="flex flex-col gap-1">
        Namespace
        <input name="namespace" defaultValue={filters.namespace ?? ""} className={FILTER_INPUT} placeholder="db.collection" />
      </label>
      <WindowFields from={filters.from} to={filters.to} search={{ value: filters.q, placeholder: "key or content" }} />
    </form>
  );
}
