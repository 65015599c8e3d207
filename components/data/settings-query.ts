"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { UserRow } from "@/lib/auth/users";
import type { FleetInstance, FleetLease } from "@/lib/fleet/get-fleet";
import { fetchJson, postJson } from "./fetch-json";

export type TokenRow = {
  id: number;
  name: string;
  scope: string;
  sources: string[];
  prefix: string;
  createdBy: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

export const settingsKeys = {
  users: ["settings", "users"] as const,
  tokens: ["settings", "tokens"] as const,
  fleet: ["settings", "fleet"] as const,
};

// The Settings panels post through this module.
export { postJson };

export const useUsers = () => useQuery({ queryKey: settingsKeys.users, queryFn: ({ signal }) => fetchJson<{ items: UserRow[] }>("/api/users", { signal }) });
export const useTokens = () =>
  useQuery({ queryKey: settingsKeys.tokens, queryFn: ({ signal }) => fetchJson<{ items: TokenRow[] }>("/api/tokens", { signal }) });

/** Refreshed every 5 s: the instance heartbeat's period, so a killed instance shows as silent within seconds. */
export const useFleet = () =>
  useQuery({
    queryKey: settingsKeys.fleet,
    queryFn: ({ signal }) => fetchJson<{ instances: FleetInstance[]; leases: FleetLease[]; checkedAt: string }>("/api/fleet", { signal }),
    refetchInterval: 5_000,
  });

/** A POST that refreshes `key` afterwards. */
export function useSettingsAction<I, O>(key: readonly string[], call: (input: I) => Promise<O>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: call, onSuccess: () => qc.invalidateQueries({ queryKey: key }) });
}
