"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { BackendDetail } from "@/lib/postgres/get-backend-detail";
import type { LockSnapshotAt } from "@/lib/postgres/get-lock-snapshot-at";
import type { LockHistory } from "@/lib/postgres/list-lock-history";
import type { LockAction, LockActionResult } from "@/lib/postgres/lock-action";
import type { LockSnapshot, LockTarget } from "@/lib/postgres/lock-model";
import type { PublicSource } from "@/lib/sources/source-registry";
import { fetchJson, postJson } from "./fetch-json";

export type { BackendDetail, LockHistory, LockSnapshot, LockSnapshotAt };
export type LockActionRequest = {
  source: string;
  action: LockAction;
  pid: number;
  backendStart: string;
  lock?: LockTarget;
  reason: string;
  endBlockingBackend?: boolean;
};

export const lockKeys = {
  all: ["locks"] as const,
  sources: ["locks", "sources"] as const,
  snapshot: (source: string) => ["locks", "snapshot", source] as const,
  snapshotAt: (source: string, at: string) => ["locks", "snapshot-at", source, at] as const,
  history: (source: string, w: LockHistoryWindow) => ["locks", "history", source, w] as const,
  backend: (source: string, pid: number, backendStart: string | null) => ["locks", "backend", source, pid, backendStart] as const,
};

const enc = encodeURIComponent;

export const fetchLockSources = (signal?: AbortSignal) =>
  fetchJson<{ items: PublicSource[] }>("/api/sources", { signal }).then((r) => r.items.filter((s) => s.kind === "postgres"));
export const fetchLockSnapshot = (source: string, signal?: AbortSignal) => fetchJson<LockSnapshot>(`/api/locks/${enc(source)}`, { signal });
export const fetchLockSnapshotAt = (source: string, at: string, signal?: AbortSignal) =>
  fetchJson<LockSnapshotAt>(`/api/locks/${enc(source)}?at=${enc(at)}`, { signal });
/** The last N minutes, or a custom window (a drag-zoom). */
export type LockHistoryWindow = { minutes: number } | { from: string; to: string };
export const fetchLockHistory = (source: string, w: LockHistoryWindow, signal?: AbortSignal) =>
  fetchJson<LockHistory>(`/api/locks/${enc(source)}/history?${"minutes" in w ? `minutes=${w.minutes}` : `from=${enc(w.from)}&to=${enc(w.to)}`}`, { signal });
export const fetchBackendDetail = (source: string, pid: number, backendStart: string | null, signal?: AbortSignal) =>
  fetchJson<BackendDetail>(`/api/locks/${enc(source)}/backends/${pid}${backendStart ? `?backendStart=${enc(backendStart)}` : ""}`, { signal });

/** Refused and failed actions come back as errors carrying the server's plain-words message. */
export const postLockAction = ({ source, action, ...body }: LockActionRequest) =>
  postJson<{ result: LockActionResult }>(`/api/locks/${enc(source)}/${action}`, body).then((r) => r.result);

export const useLockSources = () => useQuery({ queryKey: lockKeys.sources, queryFn: ({ signal }) => fetchLockSources(signal), refetchInterval: 15_000 });
export const useLockSnapshot = (source: string | null) =>
  useQuery({
    queryKey: lockKeys.snapshot(source ?? ""),
    queryFn: ({ signal }) => fetchLockSnapshot(source!, signal),
    enabled: !!source,
    refetchInterval: 3_000,
    retry: 0,
  });
/** A sampled past picture does not change: fetched once, never polled. */
export const useLockSnapshotAt = (source: string | null, at: string | null) =>
  useQuery({
    queryKey: lockKeys.snapshotAt(source ?? "", at ?? ""),
    queryFn: ({ signal }) => fetchLockSnapshotAt(source!, at!, signal),
    enabled: !!source && !!at,
    staleTime: Infinity,
    retry: 0,
  });
export const useLockHistory = (source: string | null, w: LockHistoryWindow) =>
  useQuery({
    queryKey: lockKeys.history(source ?? "", w),
    queryFn: ({ signal }) => fetchLockHistory(source!, w, signal),
    enabled: !!source,
    refetchInterval: "minutes" in w ? 10_000 : false,
  });
export const useBackendDetail = (source: string, pid: number, backendStart: string | null) =>
  useQuery({ queryKey: lockKeys.backend(source, pid, backendStart), queryFn: ({ signal }) => fetchBackendDetail(source, pid, backendStart, signal), retry: 0 });

export function useLockAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: postLockAction,
    onSettled: (_d, _e, req) => qc.invalidateQueries({ queryKey: lockKeys.snapshot(req.source) }),
  });
}
