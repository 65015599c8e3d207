"use client";

import { useQuery } from "@tanstack/react-query";
import type { CapacityOverview, CapacityQuery } from "@/lib/capacity/get-capacity-overview";
import { fetchJson, searchOf } from "./fetch-json";

export type { CapacityOverview };
export type CapacityFilters = Partial<CapacityQuery>;

export const capacityKeys = {
  all: ["capacity"] as const,
  overview: (f: CapacityFilters) => ["capacity", "overview", f] as const,
};

export function fetchCapacity(f: CapacityFilters, signal?: AbortSignal) {
  return fetchJson<CapacityOverview>(`/api/capacity?${searchOf(f)}`, { signal });
}

// A window centred on a past moment does not move; only the live view refreshes. `initial` is the
// answer the page was rendered with (as of its `to`).
export const useCapacity = (f: CapacityFilters, initial?: CapacityOverview) =>
  useQuery({
    queryKey: capacityKeys.overview(f),
    queryFn: ({ signal }) => fetchCapacity(f, signal),
    refetchInterval: f.at || f.from ? false : 5_000,
    initialData: initial,
    initialDataUpdatedAt: initial ? Date.parse(initial.to) : undefined,
  });
