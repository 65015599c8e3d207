"use client";

import { useQuery } from "@tanstack/react-query";
import type { Health } from "@/lib/health/get-health";
import type { SourceHealth } from "@/lib/sources/list-source-health";
import { fetchJson } from "./fetch-json";

export const healthKeys = {
  store: ["health", "store"] as const,
  sources: ["health", "sources"] as const,
};

export const fetchHealth = (signal?: AbortSignal) => fetchJson<Health>("/api/health", { signal });
export const fetchSourceHealth = (signal?: AbortSignal) => fetchJson<{ items: SourceHealth[] }>("/api/sources/health", { signal });

export const useHealth = () => useQuery({ queryKey: healthKeys.store, queryFn: ({ signal }) => fetchHealth(signal), refetchInterval: 10_000 });
export const useSourceHealth = () => useQuery({ queryKey: healthKeys.sources, queryFn: ({ signal }) => fetchSourceHealth(signal), refetchInterval: 10_000 });
