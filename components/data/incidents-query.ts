"use client";

import { useQuery } from "@tanstack/react-query";
import type { IncidentSummary } from "@/lib/incidents/list-incidents";
import { fetchJson } from "./fetch-json";

export type IncidentFilters = { kind?: string; status?: string; q?: string };

export const incidentKeys = {
  all: ["incidents"] as const,
  list: (f: IncidentFilters) => ["incidents", "list", f] as const,
};

export function fetchIncidents(f: IncidentFilters) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) params.set(k, v);
  return fetchJson<{ items: IncidentSummary[] }>(`/api/incidents?${params}`);
}

export const useIncidents = (f: IncidentFilters) =>
  useQuery({ queryKey: incidentKeys.list(f), queryFn: () => fetchIncidents(f), refetchInterval: 5_000 });
