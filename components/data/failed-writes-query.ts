"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { FailedWriteDetail } from "@/lib/replay/get-failed-write";
import type { FailedWriteList } from "@/lib/replay/list-failed-writes";
import type { ReplayRunRow } from "@/lib/replay/list-replay-runs";
import type { ReplayPreview } from "@/lib/replay/preview-replay";
import type { ReplayProgress } from "@/lib/replay/replay-progress";
import { fetchJson, postJson, searchOf } from "./fetch-json";

export type FailedWriteFilters = { status?: string; source?: string; namespace?: string; errorKind?: string; from?: string; to?: string; q?: string };

export const failedWriteKeys = {
  all: ["failed-writes"] as const,
  list: (f: FailedWriteFilters) => ["failed-writes", "list", f] as const,
  detail: (id: number) => ["failed-writes", "detail", id] as const,
  replay: (id: number) => ["replays", id] as const,
  runs: ["replays", "list"] as const,
};

/** A replay's selection: chosen ids, or the filter as shown (frozen by the server when the run starts). */
export type ReplaySelectionInput = { ids: number[] } | { filter: FailedWriteFilters };

export function fetchFailedWrites(f: FailedWriteFilters, signal?: AbortSignal) {
  return fetchJson<FailedWriteList>(`/api/failed-writes?${searchOf(f)}`, { signal });
}

export const fetchFailedWrite = (id: number, signal?: AbortSignal) => fetchJson<FailedWriteDetail>(`/api/failed-writes/${id}`, { signal });
export const fetchReplayProgress = (id: number, signal?: AbortSignal) => fetchJson<ReplayProgress>(`/api/replays/${id}`, { signal });

export type ReplayOneResult = { runId: number; status: string; lastError: string | null; nextAttemptAt: string | null };

export const useFailedWrites = (f: FailedWriteFilters) =>
  useQuery({ queryKey: failedWriteKeys.list(f), queryFn: ({ signal }) => fetchFailedWrites(f, signal), refetchInterval: 5_000 });

export const useFailedWrite = (id: number | null) =>
  useQuery({ queryKey: failedWriteKeys.detail(id ?? 0), queryFn: ({ signal }) => fetchFailedWrite(id!, signal), enabled: id !== null });

export const useReplayProgress = (id: number | null) =>
  useQuery({
    queryKey: failedWriteKeys.replay(id ?? 0),
    queryFn: ({ signal }) => fetchReplayProgress(id!, signal),
    enabled: id !== null,
    refetchInterval: (q) => (q.state.data && ["done", "failed", "stopped"].includes(q.state.data.status) ? false : 500),
  });

export function useReplayOne() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: number; reason: string; overwrite?: boolean }) =>
      postJson<ReplayOneResult>(`/api/failed-writes/${v.id}/replay`, { overwrite: v.overwrite ?? false, reason: v.reason }),
    onSettled: () => Promise.all([qc.invalidateQueries({ queryKey: failedWriteKeys.all }), qc.invalidateQueries({ queryKey: failedWriteKeys.runs })]),
  });
}

export function useStartReplay() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: ReplaySelectionInput & { reason: string; expectedCount: number; ratePerSec?: number }) =>
      postJson<{ run: { id: number; total: number } }>(`/api/replays`, v),
    onSettled: () => Promise.all([qc.invalidateQueries({ queryKey: failedWriteKeys.all }), qc.invalidateQueries({ queryKey: failedWriteKeys.runs })]),
  });
}

/** The dry run: a mutation (it reads the targets on demand), never cached across selections. */
export const usePreviewReplay = () => useMutation({ mutationFn: (v: ReplaySelectionInput) => postJson<ReplayPreview>(`/api/replays/preview`, v) });

/** Every 5 s, every second while a run is going (so its end and its replayer show at once). */
export const useReplayRuns = () =>
  useQuery({
    queryKey: failedWriteKeys.runs,
    queryFn: ({ signal }) => fetchJson<{ items: ReplayRunRow[] }>(`/api/replays?limit=20`, { signal }),
    refetchInterval: (q) => (q.state.data?.items.some((r) => r.status === "queued" || r.status === "running") ? 1_000 : 5_000),
  });
