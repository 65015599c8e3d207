"use client";

import { useQuery } from "@tanstack/react-query";
import type { Health } from "@/lib/health/get-health";
import type { SourceHealth } from "@/lib/sources/list-source-health";
import { fetchJson } from "./fetch-json";

export const healthKeys = {
  store: ["health", "store"] as const,
  sources: ["health", "sources"] as const,
};

export const fetchHealth = () => fetchJson<Health>("/api/health");
export const fetchSourceHealth = () => fetchJson<{ items: SourceHealth[] }>("/api/sources/health");

export const useHealth = () => useQuery({ queryKey: healthKeys.store, queryFn: fetchHealth, refetchInterval: 10_000 });
export const useSourceHealth = () =>
  useQuery({ queryKey: healthKeys.sources, queryFn: fetchSourceHealth, refetchInterval: 10_000 });
