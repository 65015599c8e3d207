import "server-only";

export type PrometheusFds = { open: number; max: number | null; labels: string };

/**
 * `process_open_fds` / `process_max_fds` from a Prometheus text exposition, as exported by default
 * by the official client libraries (Go, Python prometheus_client, Node prom-client). When the
 * endpoint serves several processes (labelled series), the fullest one is reported.
 */
export function parsePrometheusFds(text: string): PrometheusFds | null {
  const series = new Map<string, { open?: number; max?: number }>();
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const m = /^(process_open_fds|process_max_fds)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const value = Number(m[3] === "+Inf" ? Infinity : m[3]);
    if (Number.isNaN(value)) continue;
    const labels = m[2] ?? "";
    const entry = series.get(labels) ?? {};
    if (m[1] === "process_open_fds") entry.open = value;
    else entry.max = value;
    series.set(labels, entry);
  }
  let best: PrometheusFds | null = null;
  for (const [labels, s] of series) {
    if (s.open === undefined) continue;
    const max = s.max !== undefined && Number.isFinite(s.max) ? s.max : null;
    const candidate = { open: s.open, max, labels };
    const ratio = (c: PrometheusFds) => (c.max ? c.open / c.max : 0);
    if (!best || ratio(candidate) > ratio(best)) best = candidate;
  }
  return best;
}

export async function scrapePrometheusFds(url: string, timeoutMs: number): Promise<PrometheusFds> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: "text/plain;version=0.0.4" } });
  if (!res.ok) throw new Error(`${url} answered ${res.status} ${res.statusText}`);
  const parsed = parsePrometheusFds(await res.text());
  if (!parsed) throw new Error(`${url} exposes no process_open_fds metric`);
  return parsed;
}
