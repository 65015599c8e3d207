"use client";

import { useQuery } from "@tanstack/react-query";
import type { ActionLogRow } from "@/lib/audit/list-action-logs";
import { fetchJson } from "./fetch-json";

export type AuditFilters = { action?: string; actor?: string; outcome?: string; source?: string };

export const auditKeys = {
  all: ["audit"] as const,
  list: (f: AuditFilters) => ["audit", "list", f] as const,
};

export function fetchAudit(f: AuditFilters) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) params.set(k, v);
  return fetchJson<{ items: ActionLogRow[]; nextCursor: number | null }>(`/api/audit?${params}`);
}

export const useAudit = (f: AuditFilters) => useQuery({ queryKey: auditKeys.list(f), queryFn: () => fetchAudit(f), refetchInterval: 5_000 });
