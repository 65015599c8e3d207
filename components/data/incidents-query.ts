"use client";

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { IncidentDetail } from "@/lib/incidents/get-incident";
import type { IncidentStatus } from "@/lib/incidents/incident-query";
import type { IncidentEvent } from "@/lib/incidents/list-incident-events";
import type { IncidentSummary } from "@/lib/incidents/list-incidents";
import { fetchJson } from "./fetch-json";

export type { IncidentDetail, IncidentEvent, IncidentStatus, IncidentSummary };

import { filterParams, type IncidentFilters } from "@/components/incidents/filter-keys";

export { filterParams, type IncidentFilters };

type Page = { items: IncidentSummary[]; nextCursor: string | null };

export const incidentKeys = {
  all: ["incidents"] as const,
  list: (f: IncidentFilters, limit: number) => ["incidents", "list", f, limit] as const,
  detail: (id: number, range: string) => ["incidents", "detail", id, range] as const,
  events: (id: number) => ["incidents", "events", id] as const,
};

export function fetchIncidents(f: IncidentFilters, limit = 50, cursor?: string | null) {
  const params = filterParams(f);
  params.set("limit", String(limit));
  if (cursor) params.set("cursor", cursor);
  return fetchJson<Page>(`/api/incidents?${params}`);
}
export const fetchIncident = (id: number, range: string) => fetchJson<IncidentDetail>(`/api/incidents/${id}?range=${range}`);
export const fetchIncidentEvents = (id: number, cursor?: string | null) =>
  fetchJson<{ items: IncidentEvent[]; nextCursor: string | null }>(`/api/incidents/${id}/events?limit=25${cursor ? `&cursor=${cursor}` : ""}`);
export const postIncidentStatus = (body: { ids: number[]; status: IncidentStatus; reason?: string }) =>
  fetchJson<{ changes: { id: number; from: string; to: string; changed: boolean }[]; missing: number[] }>("/api/incidents/status", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

export const exportUrl = (f: IncidentFilters, format: "csv" | "json") => {
  const params = filterParams(f);
  params.set("format", format);
  return `/api/incidents/export?${params}`;
};

/** Pages of the list; refetching every 5 s keeps the loaded pages live. */
export const useIncidents = (f: IncidentFilters, limit = 50) =>
  useInfiniteQuery({
    queryKey: incidentKeys.list(f, limit),
    queryFn: ({ pageParam }) => fetchIncidents(f, limit, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval: 5_000,
  });

export const useIncident = (id: number, range: string) => useQuery({ queryKey: incidentKeys.detail(id, range), queryFn: () => fetchIncident(id, range), refetchInterval: 5_000 });

export const useIncidentEvents = (id: number) =>
  useInfiniteQuery({
    queryKey: incidentKeys.events(id),
    queryFn: ({ pageParam }) => fetchIncidentEvents(id, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval: 10_000,
  });

export function useIncidentStatus() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: postIncidentStatus, onSettled: () => qc.invalidateQueries({ queryKey: incidentKeys.all }) });
}
