"use client";

import { useQuery } from "@tanstack/react-query";
import type { LockImpact } from "@/lib/postgres/list-holder-impact";
import { fetchJson } from "./fetch-json";

export type { LockImpact };

export const lockImpactKey = (source: string) => ["locks", "impact", source] as const;

export const fetchLockImpact = (source: string) => fetchJson<LockImpact>(`/api/locks/${encodeURIComponent(source)}/impact`);

/** Per holder and key over the last 5 / 15 minutes: refreshed less often than the live snapshot. */
export const useLockImpact = (source: string | null) =>
  useQuery({ queryKey: lockImpactKey(source ?? ""), queryFn: () => fetchLockImpact(source!), enabled: !!source, refetchInterval: 10_000, retry: 0 });
