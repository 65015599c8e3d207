import "server-only";
import { readCapped } from "../http/read-capped";

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

/** LOCKBOARD_PROMETHEUS_MAX_BYTES: the most of a metrics page read (4 MiB; a process exporter serves a few KiB). */
export const prometheusMaxBytes = () => {
  const v = Number(process.env.LOCKBOARD_PROMETHEUS_MAX_BYTES);
  return Number.isInteger(v) && v > 0 ? v : 4 * 1024 * 1024;
};

/**
 * Scrapes `url` within `timeoutMs` (connect, headers and body): a redirect is an error, never
 * followed (the source names the endpoint it may reach, not wherever that one points), and
 * reading stops past the body cap.
 */
export async function scrapePrometheusFds(url: string, timeoutMs: number, maxBytes = prometheusMaxBytes()): Promise<PrometheusFds> {
  const signal = AbortSignal.timeout(timeoutMs);
  const res = await fetch(url, { signal, redirect: "manual", headers: { accept: "text/plain;version=0.0.4" } });
  if (res.status >= 300 && res.status < 400) {
    await res.body?.cancel().catch(() => {});
    throw new Error(
      `${url} answered ${res.status} (a redirect${res.headers.get("location") ? ` to ${res.headers.get("location")}` : ""}): redirects are not followed, point the source at the metrics endpoint itself`,
    );
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => {});
    throw new Error(`${url} answered ${res.status} ${res.statusText}`);
  }
  const parsed = parsePrometheusFds(await readMetricsBody(res, url, maxBytes));
  if (!parsed) throw new Error(`${url} exposes no process_open_fds metric`);
  return parsed;
}

async function readMetricsBody(res: Response, url: string, maxBytes: number): Promise<string> {
  const tooLarge = () => new Error(`${url} served more than ${maxBytes} bytes of metrics: not read further (LOCKBOARD_PROMETHEUS_MAX_BYTES)`);
  return (await readCapped(res.body, res.headers.get("content-length"), maxBytes, tooLarge)).toString("utf8");
}
