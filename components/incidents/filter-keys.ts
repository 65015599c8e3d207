/** The list's URL state: every key here is also a query parameter of /incidents and /api/incidents. */
export type IncidentFilters = { kind?: string; source?: string; status?: string; q?: string; range?: string; from?: string; to?: string; sort?: string };
export const FILTER_KEYS = ["kind", "source", "status", "q", "range", "from", "to", "sort"] as const;

export function filterParams(f: IncidentFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const k of FILTER_KEYS) if (f[k]) params.set(k, f[k]!);
  return params;
}
