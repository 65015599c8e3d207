"use client";

import { useQuery } from "@tanstack/react-query";
import type { IncidentRunbook } from "@/lib/incidents/runbook/runbook-types";
import { fetchJson } from "./fetch-json";

export type { IncidentRunbook };

export const fetchIncidentRunbook = (id: number, signal?: AbortSignal) => fetchJson<IncidentRunbook>(`/api/incidents/${id}/runbook`, { signal });

/** The runbook reads the catalog and samples: refreshed now and then, not with every detail poll. */
export const useIncidentRunbook = (id: number) =>
  useQuery({ queryKey: ["incidents", "runbook", id], queryFn: ({ signal }) => fetchIncidentRunbook(id, signal), refetchInterval: 30_000, staleTime: 15_000 });
