"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { DeliveryRow } from "@/lib/alerts/deliver";
import type { PublicDestination } from "@/lib/alerts/destinations";
import type { PublicRule } from "@/lib/alerts/rules";
import { fetchJson } from "./fetch-json";

export type AlertsData = { rules: PublicRule[]; destinations: PublicDestination[]; deliveries: DeliveryRow[] };

export const alertsKey = ["settings", "alerts"] as const;

/** Rules, destinations (masked) and the latest deliveries; refreshed while the page is open, as the job sends. */
export const useAlerts = () =>
  useQuery({ queryKey: alertsKey, queryFn: ({ signal }) => fetchJson<AlertsData>("/api/alerts", { signal }), refetchInterval: 5_000 });

const send = <T>(method: string, url: string, body?: unknown) =>
  fetchJson<T>(url, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });

/** A write to the alerts API (POST, PUT, DELETE) that refreshes the panel afterwards. */
export function useAlertsAction<I, O = unknown>(call: (input: I) => { method: string; url: string; body?: unknown }) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: I) => {
      const c = call(input);
      return send<O>(c.method, c.url, c.body);
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: alertsKey }),
  });
}
