import type { Level } from "@/lib/capacity/thresholds";

export const LEVEL_COLOR: Record<Level, string> = { ok: "#10b981", warn: "#f59e0b", critical: "#ef4444", unknown: "#94a3b8" };

const polar = (r: number, frac: number) => {
  const a = Math.PI * (1 - frac);
  return [60 + r * Math.cos(a), 60 - r * Math.sin(a)] as const;
};

const arc = (r: number, from: number, to: number) => {
  const [x1, y1] = polar(r, from);
  const [x2, y2] = polar(r, to);
  return `M ${x1} ${y1} A ${r} ${r} 0 0 1 ${x2} ${y2}`;
};

export type GaugePeak = { value: number; limit: number | null; level: Level };

/**
 * A half-circle gauge with the warn and critical marks, so the distance to each is visible. The
 * peak over the window is a faint arc past the current reading with a tick: a process that hits
 * its limit every 30 s and reads 9 % in between never looks green.
 */
export function Gauge({
  label,
  value,
  limit,
  level,
  warn,
  critical,
  peak,
}: {
  label: string;
  value: number;
  limit: number | null;
  level: Level;
  warn: number;
  critical: number;
  peak?: GaugePeak | null;
}) {
  const frac = limit ? Math.min(1, value / limit) : 0;
  const pct = limit ? Math.round((value / limit) * 100) : null;
  const peakFrac = peak?.limit ? Math.min(1, peak.value / peak.limit) : null;
  const peakPct = peak?.limit ? Math.round((peak.value / peak.limit) * 100) : null;
  const showPeak = peakFrac !== null && peakFrac > frac;
  return (
    <figure
      className="flex w-40 max-w-full flex-col items-center"
      data-testid="capacity-gauge"
      data-level={level}
      data-peak-level={peak?.level}
      aria-label={`${label}: ${pct ?? "?"}% of limit${peakPct !== null ? `, peak ${peakPct}%` : ""}`}
    >
      <svg viewBox="0 0 120 68" className="w-full" role="img">
        <path d={arc(48, 0, 1)} stroke="currentColor" className="text-slate-200 dark:text-slate-800" strokeWidth="10" fill="none" />
        {showPeak && (
          <path d={arc(48, frac, peakFrac)} stroke={LEVEL_COLOR[peak!.level]} strokeOpacity={0.35} strokeWidth="10" fill="none" data-testid="gauge-peak-arc" />
        )}
        {frac > 0 && <path d={arc(48, 0, Math.max(frac, 0.005))} stroke={LEVEL_COLOR[level]} strokeWidth="10" fill="none" />}
        {showPeak &&
          (() => {
            const [x1, y1] = polar(42, peakFrac);
            const [x2, y2] = polar(58, peakFrac);
            return <line x1={x1} y1={y1} x2={x2} y2={y2} stroke={LEVEL_COLOR[peak!.level]} strokeWidth="3" />;
          })()}
        {[warn, critical].map((t, i) => {
          const [x1, y1] = polar(40, t);
          const [x2, y2] = polar(56, t);
          return <line key={t} x1={x1} y1={y1} x2={x2} y2={y2} stroke={i ? LEVEL_COLOR.critical : LEVEL_COLOR.warn} strokeWidth="2" />;
        })}
        <text x="60" y="56" textAnchor="middle" className="fill-current text-[15px] font-semibold">
          {pct === null ? "—" : `${pct}%`}
        </text>
      </svg>
      <figcaption className="text-center text-xs text-slate-600 dark:text-slate-400" suppressHydrationWarning>
        <div className="font-medium text-slate-800 dark:text-slate-200">{label}</div>
        {value.toLocaleString()} of {limit?.toLocaleString() ?? "no limit"}
        {peak && peakPct !== null && (
          <div
            data-testid="gauge-peak"
            suppressHydrationWarning
            className={
              peak.level === "critical" ? "font-medium text-red-700 dark:text-red-300" : peak.level === "warn" ? "text-amber-700 dark:text-amber-300" : ""
            }
          >
            peak {peak.value.toLocaleString()} ({peakPct}%)
          </div>
        )}
      </figcaption>
    </figure>
  );
}
