"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback } from "react";

const iso = (ms: number) => new Date(ms).toISOString();
const isTime = (s: string | null): s is string => !!s && Number.isFinite(Date.parse(s));

/**
 * A page's time range as its URL holds it: a preset (`?range=`) and, after a drag-zoom, a custom
 * window (`?from=&to=`) on top of it. Zooming pushes a history entry (Back zooms out, as in
 * Grafana); zooming out drops from/to and returns to the preset.
 */
export function useUrlWindow<R extends string>(ranges: readonly R[], rangeKey = "range") {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const raw = params.get(rangeKey);
  const range = ranges.find((r) => r === raw) ?? null;
  const from = params.get("from");
  const to = params.get("to");
  const custom = isTime(from) && isTime(to) ? { from, to } : null;
  const search = params.toString();
  const go = useCallback(
    (next: Record<string, string | null>, push = true) => {
      const q = new URLSearchParams(search);
      for (const [k, v] of Object.entries(next)) {
        if (v) q.set(k, v);
        else q.delete(k);
      }
      const url = q.size ? `${pathname}?${q}` : pathname;
      if (push) router.push(url, { scroll: false });
      else router.replace(url, { scroll: false });
    },
    [search, pathname, router],
  );
  return {
    range,
    custom,
    pickRange: useCallback((r: R) => go({ [rangeKey]: r, from: null, to: null }), [go, rangeKey]),
    zoom: useCallback((a: number, b: number) => go({ from: iso(Math.min(a, b)), to: iso(Math.max(a, b)) }), [go]),
    zoomOut: useCallback(() => go({ from: null, to: null }), [go]),
    /** Any other key of the page's URL (a source, a moment), replaced in place. */
    set: useCallback((next: Record<string, string | null>) => go(next, false), [go]),
  };
}
