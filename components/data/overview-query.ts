"use client";

import { useQuery } from "@tanstack/react-query";
import type { Overview } from "@/lib/overview/get-overview";
import { fetchJson } from "./fetch-json";

export type { Overview };

export const overviewKeys = { overview: (range: string) => ["overview", range] as const };
export const fetchOverview = (range: string) => fetchJson<Overview>(`/api/overview?range=${range}`);

/** Every 5 s unless paused; a failed refresh keeps the last data (and its time, which then turns stale). */
export const useOverview = (range: string, paused: boolean) =>
  useQuery({ queryKey: overviewKeys.overview(range), queryFn: () => fetchOverview(range), refetchInterval: paused ? false : 5_000, retry: 0 });
