"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import type { AuditFilterKey } from "@/lib/audit/audit-values";
import type { ActionLogRow } from "@/lib/audit/list-action-logs";
import type { AuditFacets } from "@/lib/audit/list-audit-facets";
import { fetchJson, searchOf } from "./fetch-json";

export type AuditFilters = Partial<Record<AuditFilterKey, string>>;

type AuditPage = { items: ActionLogRow[]; nextCursor: number | null };

export const auditKeys = {
  all: ["audit"] as const,
  list: (f: AuditFilters) => ["audit", "list", f] as const,
  facets: (f: Pick<AuditFilters, "from" | "to">) => ["audit", "facets", f] as const,
};

export function fetchAudit(f: AuditFilters, cursor: number | null, signal?: AbortSignal) {
  const params = searchOf(f);
  if (cursor !== null) params.set("cursor", String(cursor));
  params.set("limit", "50");
  return fetchJson<AuditPage>(`/api/audit?${params}`, { signal });
}

/** Newest first, 50 a page through the API's cursor; the first page refreshes every 5 s. */
export const useAudit = (f: AuditFilters) =>
  useInfiniteQuery({
    queryKey: auditKeys.list(f),
    queryFn: ({ signal, pageParam }) => fetchAudit(f, pageParam, signal),
    initialPageParam: null as number | null,
    getNextPageParam: (last: AuditPage) => last.nextCursor,
    refetchInterval: 5_000,
  });

export const useAuditFacets = (f: Pick<AuditFilters, "from" | "to">) =>
  useQuery({
    queryKey: auditKeys.facets(f),
    queryFn: ({ signal }) => fetchJson<AuditFacets>(`/api/audit/facets?${searchOf(f)}`, { signal }),
    refetchInterval: 30_000,
  });
