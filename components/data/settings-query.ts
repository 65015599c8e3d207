"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { UserRow } from "@/lib/auth/users";
import { fetchJson } from "./fetch-json";

export type TokenRow = { id: number; name: string; scope: string; prefix: string; createdBy: string | null; createdAt: string; lastUsedAt: string | null; revokedAt: string | null };

export const settingsKeys = {
  users: ["settings", "users"] as const,
  tokens: ["settings", "tokens"] as const,
};

export const postJson = <T>(url: string, body: unknown) =>
  fetchJson<T>(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

export const useUsers = () => useQuery({ queryKey: settingsKeys.users, queryFn: () => fetchJson<{ items: UserRow[] }>("/api/users") });
export const useTokens = () => useQuery({ queryKey: settingsKeys.tokens, queryFn: () => fetchJson<{ items: TokenRow[] }>("/api/tokens") });

/** A POST that refreshes `key` afterwards. */
export function useSettingsAction<I, O>(key: readonly string[], call: (input: I) => Promise<O>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: call, onSuccess: () => qc.invalidateQueries({ queryKey: key }) });
}
