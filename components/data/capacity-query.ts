"use client";

import { useQuery } from "@tanstack/react-query";
import type { CapacityQuery, getCapacityOverview } from "@/lib/capacity/get-capacity-overview";
import { fetchJson } from "./fetch-json";

export type CapacityOverview = Awaited<ReturnType<typeof getCapacityOverview>>;
export type CapacityFilters = Partial<CapacityQuery>;

export const capacityKeys = {
  all: ["capacity"] as const,
  overview: (f: CapacityFilters) => ["capacity", "overview", f] as const,
};

export function fetchCapacity(f: CapacityFilters) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) params.set(k, v);
  return fetchJson<CapacityOverview>(`/api/capacity?${params}`);
}

// A window centred on a past moment does not move; only the live view refreshes.
export const useCapacity = (f: CapacityFilters) =>
  useQuery({ queryKey: capacityKeys.overview(f), queryFn: () => fetchCapacity(f), refetchInterval: f.at ? false : 5_000 });
