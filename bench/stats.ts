/** Small helpers for the benchmark: percentiles, the results list, and the printed table. */

export interface Figure {
  name: string;
  value: number;
  unit: string;
}

/** Nearest-rank percentile of `samples` (not modified), `q` in (0, 1]. */
export function percentile(samples: readonly number[], q: number): number {
  if (samples.length === 0) throw new Error('percentile of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

/** Rounds to a few significant digits so results.json stays readable. */
export function round(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const digits = Math.max(0, 3 - Math.floor(Math.log10(Math.abs(value))));
  return Number(value.toFixed(Math.min(digits, 6)));
}

export function formatTable(figures: readonly Figure[]): string {
  const width = Math.max(...figures.map((f) => f.name.length));
  return figures.map((f) => `  ${f.name.padEnd(width)}  ${String(round(f.value)).padStart(12)}  ${f.unit}`).join('\n');
}
