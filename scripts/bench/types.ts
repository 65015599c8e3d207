export type Figure = { figure: string; value: number; unit: string; comparedWith: string };
export type BenchContext = {
  databaseUrl: string;
  serverUrl: string;
  logDir: string;
  tmpDir: string;
  /** `--keep DIR`: where a bench keeps the store it seeds, to reuse on the next run. */
  keepDir?: string;
};
export type Bench = { name: string; run: (ctx: BenchContext) => Promise<Figure[]> };

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
