"use client";

import { useQuery } from "@tanstack/react-query";
import type { Overview } from "@/lib/overview/get-overview";
import { fetchJson, searchOf } from "./fetch-json";

export type { Overview };

/** A preset, a custom window, or neither (the server fits the range to the data). */
export type OverviewWindowQuery = { range?: string; from?: string; to?: string };

export const overviewKeys = { overview: (q: OverviewWindowQuery) => ["overview", q] as const };
export const fetchOverview = (q: OverviewWindowQuery, signal?: AbortSignal) => fetchJson<Overview>(`/api/overview?${searchOf(q)}`, { signal });

/** Every 5 s unless paused or a fixed (zoomed) window; a failed refresh keeps the last data (and its time, which then turns stale). */
export const useOverview = (q: OverviewWindowQuery, paused: boolean) =>
  useQuery({
    queryKey: overviewKeys.overview(q),
    queryFn: ({ signal }) => fetchOverview(q, signal),
    refetchInterval: paused || q.from ? false : 5_000,
    retry: 0,
  });
