"use client";

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { IncidentDetail } from "@/lib/incidents/get-incident";
import type { IncidentStatus } from "@/lib/incidents/incident-query";
import type { IncidentEvent } from "@/lib/incidents/list-incident-events";
import type { IncidentSummary } from "@/lib/incidents/list-incidents";
import { cursorPaging, fetchJson, postJson, searchOf } from "./fetch-json";

export type { IncidentDetail, IncidentStatus };

import { filterParams, type IncidentFilters } from "@/components/incidents/filter-keys";

export { filterParams, type IncidentFilters };

type Page = { items: IncidentSummary[]; nextCursor: string | null };

export const incidentKeys = {
  all: ["incidents"] as const,
  list: (f: IncidentFilters, limit: number) => ["incidents", "list", f, limit] as const,
  detail: (id: number, q: IncidentWindowQuery) => ["incidents", "detail", id, q] as const,
  events: (id: number) => ["incidents", "events", id] as const,
};

export function fetchIncidents(f: IncidentFilters, limit = 50, cursor?: string | null, signal?: AbortSignal) {
  const params = filterParams(f);
  params.set("limit", String(limit));
  if (cursor) params.set("cursor", cursor);
  return fetchJson<Page>(`/api/incidents?${params}`, { signal });
}
/** The histogram's preset, a custom window, or neither (the server fits the range to the incident's age). */
export type IncidentWindowQuery = { range?: string; from?: string; to?: string };
export const fetchIncident = (id: number, q: IncidentWindowQuery, signal?: AbortSignal) =>
  fetchJson<IncidentDetail>(`/api/incidents/${id}?${searchOf(q)}`, { signal });
export const fetchIncidentEvents = (id: number, cursor?: string | null, signal?: AbortSignal) =>
  fetchJson<{ items: IncidentEvent[]; nextCursor: string | null }>(
    `/api/incidents/${id}/events?limit=25${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    { signal },
  );
export const postIncidentStatus = (body: { ids: number[]; status: IncidentStatus; reason?: string }) =>
  postJson<{ changes: { id: number; from: string; to: string; changed: boolean }[]; missing: number[] }>("/api/incidents/status", body);

export const exportUrl = (f: IncidentFilters, format: "csv" | "json") => {
  const params = filterParams(f);
  params.set("format", format);
  return `/api/incidents/export?${params}`;
};

/** Pages of the list; refetching every 5 s keeps the loaded pages live. */
export const useIncidents = (f: IncidentFilters, limit = 50) =>
  useInfiniteQuery({
    queryKey: incidentKeys.list(f, limit),
    queryFn: ({ pageParam, signal }) => fetchIncidents(f, limit, pageParam, signal),
    ...cursorPaging,
    refetchInterval: 5_000,
  });

export const useIncident = (id: number, q: IncidentWindowQuery) =>
  useQuery({
    queryKey: incidentKeys.detail(id, q),
    queryFn: ({ signal }) => fetchIncident(id, q, signal),
    refetchInterval: 5_000,
    placeholderData: (prev) => prev,
  });

export const useIncidentEvents = (id: number) =>
  useInfiniteQuery({
    queryKey: incidentKeys.events(id),
    queryFn: ({ pageParam, signal }) => fetchIncidentEvents(id, pageParam, signal),
    ...cursorPaging,
    refetchInterval: 10_000,
  });

export function useIncidentStatus() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: postIncidentStatus, onSettled: () => qc.invalidateQueries({ queryKey: incidentKeys.all }) });
}
