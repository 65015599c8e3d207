"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import type { EntityHit } from "@/lib/entities/search-entities";
import type { EntityTimeline, TimelineItem } from "@/lib/entities/timeline-types";
import { entityHref } from "@/components/entities/entity-href";
import { fetchJson } from "./fetch-json";

export type { EntityHit, EntityTimeline, TimelineItem };

export { entityHref };

export const entityKeys = {
  timeline: (type: string, key: string) => ["entities", "timeline", type, key] as const,
  search: (q: string) => ["entities", "search", q] as const,
};

export const fetchEntityTimeline = (type: string, key: string, cursor?: string | null) =>
  fetchJson<EntityTimeline>(`/api${entityHref(type, key)}?limit=100${cursor ? `&cursor=${cursor}` : ""}`);
export const fetchEntitySearch = (q: string) => fetchJson<{ items: EntityHit[] }>(`/api/entities?q=${encodeURIComponent(q)}&limit=20`);

export const useEntityTimeline = (type: string, key: string) =>
  useInfiniteQuery({
    queryKey: entityKeys.timeline(type, key),
    queryFn: ({ pageParam }) => fetchEntityTimeline(type, key, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval: 10_000,
  });

export const useEntitySearch = (q: string) =>
  useQuery({ queryKey: entityKeys.search(q), queryFn: () => fetchEntitySearch(q), enabled: q.trim().length > 0, staleTime: 5_000 });
