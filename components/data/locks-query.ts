"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { BackendDetail } from "@/lib/postgres/get-backend-detail";
import type { LockHistory } from "@/lib/postgres/list-lock-history";
import type { LockAction, LockActionResult } from "@/lib/postgres/lock-action";
import type { LockSnapshot, LockTarget } from "@/lib/postgres/lock-model";
import type { PublicSource } from "@/lib/sources/source-registry";
import { fetchJson } from "./fetch-json";

export type { BackendDetail, LockHistory, LockSnapshot };
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
  history: (source: string, minutes: number) => ["locks", "history", source, minutes] as const,
  backend: (source: string, pid: number, backendStart: string | null) => ["locks", "backend", source, pid, backendStart] as const,
};

const enc = encodeURIComponent;

export const fetchLockSources = () =>
  fetchJson<{ items: PublicSource[] }>("/api/sources").then((r) => r.items.filter((s) => s.kind === "postgres"));
export const fetchLockSnapshot = (source: string) => fetchJson<LockSnapshot>(`/api/locks/${enc(source)}`);
export const fetchLockHistory = (source: string, minutes: number) => fetchJson<LockHistory>(`/api/locks/${enc(source)}/history?minutes=${minutes}`);
export const fetchBackendDetail = (source: string, pid: number, backendStart: string | null) =>
  fetchJson<BackendDetail>(`/api/locks/${enc(source)}/backends/${pid}${backendStart ? `?backendStart=${enc(backendStart)}` : ""}`);

/** Refused and failed actions come back as errors carrying the server's plain-words message. */
export const postLockAction = ({ source, action, ...body }: LockActionRequest) =>
  fetchJson<{ result: LockActionResult }>(`/api/locks/${enc(source)}/${action}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  }).then((r) => r.result);

export const useLockSources = () => useQuery({ queryKey: lockKeys.sources, queryFn: fetchLockSources, refetchInterval: 15_000 });
export const useLockSnapshot = (source: string | null) =>
  useQuery({ queryKey: lockKeys.snapshot(source ?? ""), queryFn: () => fetchLockSnapshot(source!), enabled: !!source, refetchInterval: 3_000, retry: 0 });
export const useLockHistory = (source: string | null, minutes: number) =>
  useQuery({ queryKey: lockKeys.history(source ?? "", minutes), queryFn: () => fetchLockHistory(source!, minutes), enabled: !!source, refetchInterval: 10_000 });
export const useBackendDetail = (source: string, pid: number, backendStart: string | null) =>
  useQuery({ queryKey: lockKeys.backend(source, pid, backendStart), queryFn: () => fetchBackendDetail(source, pid, backendStart), retry: 0 });

export function useLockAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: postLockAction,
    onSettled: (_d, _e, req) => qc.invalidateQueries({ queryKey: lockKeys.snapshot(req.source) }),
  });
}
