"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { PublicSource, SourceKind } from "@/lib/sources/source-registry";
import { fetchJson, postJson } from "./fetch-json";

export type NewSource = { name: string; kind: SourceKind; url?: string };

export const sourceKeys = { all: ["sources"] as const, list: ["sources", "list"] as const };

export const fetchSources = (signal?: AbortSignal) => fetchJson<{ items: PublicSource[] }>("/api/sources", { signal }).then((r) => r.items);
export const postSource = (s: NewSource) => postJson<{ source: PublicSource }>("/api/sources", { ...s, url: s.url || undefined }).then((r) => r.source);

export const useSources = () => useQuery({ queryKey: sourceKeys.list, queryFn: ({ signal }) => fetchSources(signal), refetchInterval: 10_000 });
export function useAddSource() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: postSource,
    onSuccess: () => qc.invalidateQueries({ queryKey: ["sources"] }).then(() => qc.invalidateQueries({ queryKey: ["locks", "sources"] })),
  });
}
