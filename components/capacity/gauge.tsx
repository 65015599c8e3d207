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

/** A half-circle gauge with the warn and critical marks, so the distance to each is visible. */
export function Gauge({ label, value, limit, level, warn, critical }: { label: string; value: number; limit: number | null; level: Level; warn: number; critical: number }) {
  const frac = limit ? Math.min(1, value / limit) : 0;
  const pct = limit ? Math.round((value / limit) * 100) : null;
  return (
    <figure className="flex w-40 flex-col items-center" data-testid="capacity-gauge" data-level={level} aria-label={`${label}: ${pct ?? "?"}% of limit`}>
      <svg viewBox="0 0 120 68" className="w-full" role="img">
        <path d={arc(48, 0, 1)} stroke="currentColor" className="text-slate-200 dark:text-slate-800" strokeWidth="10" fill="none" />
        {frac > 0 && <path d={arc(48, 0, Math.max(frac, 0.005))} stroke={LEVEL_COLOR[level]} strokeWidth="10" fill="none" />}
        {[warn, critical].map((t, i) => {
          const [x1, y1] = polar(40, t);
          const [x2, y2] = polar(56, t);
          return <line key={t} x1={x1} y1={y1} x2={x2} y2={y2} stroke={i ? LEVEL_COLOR.critical : LEVEL_COLOR.warn} strokeWidth="2" />;
        })}
        <text x="60" y="56" textAnchor="middle" className="fill-current text-[15px] font-semibold">{pct === null ? "—" : `${pct}%`}</text>
      </svg>
      <figcaption className="text-center text-xs text-slate-600 dark:text-slate-400">
        <div className="font-medium text-slate-800 dark:text-slate-200">{label}</div>
        {value.toLocaleString()} of {limit?.toLocaleString() ?? "no limit"}
      </figcaption>
    </figure>
  );
}
