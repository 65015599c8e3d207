/** Tiny bar sparkline (no axes): the last hours of an incident at a glance. */
export function Sparkline({ values, label }: { values: number[]; label: string }) {
  const max = Math.max(1, ...values);
  const w = 96;
  const h = 20;
  const bw = w / Math.max(1, values.length);
  return (
    <svg width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label} data-testid="sparkline" className="text-rose-500">
      {values.map((v, i) =>
        v > 0 ? (
          <rect
            key={i}
            x={i * bw + 0.5}
            y={h - Math.max(1.5, (v / max) * h)}
            width={Math.max(1, bw - 1)}
            height={Math.max(1.5, (v / max) * h)}
            fill="currentColor"
          />
        ) : null,
      )}
      <line x1="0" y1={h - 0.5} x2={w} y2={h - 0.5} stroke="currentColor" strokeOpacity="0.25" />
    </svg>
  );
}
