import { describeDetection, fallbackAdvice, type Detection } from "./read/format-detect";
import type { IngestSummary } from "./ingest-pipeline";

const fmt = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : String(Math.round(n)));
const fmtBytes = (n: number) =>
  n >= 1 << 30 ? `${(n / (1 << 30)).toFixed(2)} GB` : n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} B`;

/** `[#####-----] 42% 1.2 M lines 1.1 M lines/s 150.3 MB/s …` for a terminal; `total` 0 when following. */
export function progressLine(s: IngestSummary, elapsedMs: number, totalBytes: number, width = 24): string {
  const secs = Math.max(elapsedMs / 1000, 0.001);
  const rate = `${fmt(s.lines / secs)} lines/s ${fmtBytes(s.bytes / secs)}/s`;
  const counts = `${fmt(s.lines)} lines, ${fmt(s.inserted)} new, ${fmt(s.unparsed)} unparsed`;
  if (!totalBytes) return `${counts} | ${rate}`;
  const frac = Math.min(1, s.bytes / totalBytes);
  const filled = Math.round(frac * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(Math.round(frac * 100)).padStart(3)}% ${counts} | ${rate}`;
}

/** The end-of-run report: what was read, what was stored, what could not be read, by kind. */
export function summaryLines(name: string, s: IngestSummary, elapsedMs: number): string[] {
  const secs = Math.max(elapsedMs / 1000, 0.001);
  const kinds = Object.entries(s.byKind)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");
  return [
    `${name}: ${s.lines} lines (${fmtBytes(s.bytes)}) in ${secs.toFixed(1)} s, ${fmt(s.lines / secs)} lines/s`,
    `  ${s.events} events (${s.inserted} new, ${s.duplicates} already stored), ${s.unparsed} unparsed lines kept raw, ${s.unclassified} unclassified, ${s.blank} blank`,
    `  incidents touched: ${s.incidents}${kinds ? `; by kind: ${kinds}` : ""}`,
    ...(s.failedWrites || s.failedWritesUnparsed
      ? [`  failed writes from the lines: ${s.failedWrites} stored, ${s.failedWritesUnparsed} kept as unparsed`]
      : []),
  ];
}

/** What the file was read as, how sure the sniffer was, and a warning when it fell back to application text. */
export function detectionLines(d: Detection | null, changed: { previous: string | null } | null): { out: string[]; warn: string[] } {
  if (!d) return { out: [], warn: [] };
  const out = [`  read as: ${describeDetection(d)}`];
  const warn: string[] = [];
  if (d.fellBack) warn.push(`[ingest] warning: ${fallbackAdvice(d)}`);
  else if (!d.given && d.sampled > 0 && d.matched * 2 < d.sampled)
    warn.push(`[ingest] warning: only ${d.matched} of ${d.sampled} sampled lines read as ${d.format}; give --format/--prefix if that is wrong`);
  if (changed) warn.push(`[ingest] note: this source's previous file read as ${changed.previous ?? "something else"}; the source now remembers ${d.format}`);
  return { out, warn };
}
