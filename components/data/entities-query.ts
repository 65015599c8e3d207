"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import type { EntityHit } from "@/lib/entities/search-entities";
import type { EntityTimeline, TimelineItem } from "@/lib/entities/timeline-types";
import { entityHref } from "@/components/entities/entity-href";
import { cursorPaging, fetchJson, searchOf } from "./fetch-json";

export type { EntityTimeline, TimelineItem };

export { entityHref };

export const entityKeys = {
  timeline: (type: string, key: string, w: EntityWindow | null) => ["entities", "timeline", type, key, w] as const,
  search: (q: string) => ["entities", "search", q] as const,
};

/** A window the timeline is narrowed to (a drag-zoom on its density chart), or null for all of it. */
export type EntityWindow = { from: string; to: string };
export const fetchEntityTimeline = (type: string, key: string, w: EntityWindow | null, cursor?: string | null, signal?: AbortSignal) =>
  fetchJson<EntityTimeline>(`/api${entityHref(type, key)}?${searchOf({ limit: "100", cursor: cursor ?? undefined, from: w?.from, to: w?.to })}`, { signal });
export const fetchEntitySearch = (q: string, signal?: AbortSignal) =>
  fetchJson<{ items: EntityHit[] }>(`/api/entities?q=${encodeURIComponent(q)}&limit=20`, { signal });

export const useEntityTimeline = (type: string, key: string, w: EntityWindow | null) =>
  useInfiniteQuery({
    queryKey: entityKeys.timeline(type, key, w),
    queryFn: ({ pageParam, signal }) => fetchEntityTimeline(type, key, w, pageParam, signal),
    ...cursorPaging,
    refetchInterval: 10_000,
  });

export const useEntitySearch = (q: string) =>
  useQuery({ queryKey: entityKeys.search(q), queryFn: ({ signal }) => fetchEntitySearch(q, signal), enabled: q.trim().length > 0, staleTime: 5_000 });
