"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { FailedWriteDetail } from "@/lib/replay/get-failed-write";
import type { FailedWriteList } from "@/lib/replay/list-failed-writes";
import type { ReplayProgress } from "@/lib/replay/replay-progress";
import { fetchJson } from "./fetch-json";

export type FailedWriteFilters = { status?: string; source?: string; namespace?: string; errorKind?: string; from?: string; to?: string; q?: string };

export const failedWriteKeys = {
  all: ["failed-writes"] as const,
  list: (f: FailedWriteFilters) => ["failed-writes", "list", f] as const,
  detail: (id: number) => ["failed-writes", "detail", id] as const,
  replay: (id: number) => ["replays", id] as const,
};

export function fetchFailedWrites(f: FailedWriteFilters) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) params.set(k, v);
  return fetchJson<FailedWriteList>(`/api/failed-writes?${params}`);
}

export const fetchFailedWrite = (id: number) => fetchJson<FailedWriteDetail>(`/api/failed-writes/${id}`);
export const fetchReplayProgress = (id: number) => fetchJson<ReplayProgress>(`/api/replays/${id}`);

export type ReplayOneResult = { runId: number; status: string; lastError: string | null; nextAttemptAt: string | null };

const postJson = <T>(url: string, body: unknown) =>
  fetchJson<T>(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

export const useFailedWrites = (f: FailedWriteFilters) =>
  useQuery({ queryKey: failedWriteKeys.list(f), queryFn: () => fetchFailedWrites(f), refetchInterval: 5_000 });

export const useFailedWrite = (id: number | null) =>
  useQuery({ queryKey: failedWriteKeys.detail(id ?? 0), queryFn: () => fetchFailedWrite(id!), enabled: id !== null });

export const useReplayProgress = (id: number | null) =>
  useQuery({
    queryKey: failedWriteKeys.replay(id ?? 0),
    queryFn: () => fetchReplayProgress(id!),
    enabled: id !== null,
    refetchInterval: (q) => (q.state.data && ["done", "failed", "stopped"].includes(q.state.data.status) ? false : 500),
  });

export function useReplayOne() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: number; overwrite?: boolean }) => postJson<ReplayOneResult>(`/api/failed-writes/${v.id}/replay`, { overwrite: v.overwrite ?? false }),
    onSettled: () => qc.invalidateQueries({ queryKey: failedWriteKeys.all }),
  });
}

export function useStartReplay() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { ids?: number[]; filter?: FailedWriteFilters; expectedCount: number; ratePerSec?: number }) =>
      postJson<{ run: { id: number; total: number } }>(`/api/replays`, v),
    onSettled: () => qc.invalidateQueries({ queryKey: failedWriteKeys.all }),
  });
}
