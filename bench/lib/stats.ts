/** Small descriptive statistics for benchmark samples (milliseconds). */

export interface Summary {
  n: number;
  median: number;
  p95: number;
  max: number;
  mean: number;
}

/** The value at quantile `q` (nearest rank) of already sorted values. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** Median, p95 (nearest rank), max and mean; NaN everywhere for no samples. */
export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : Number.NaN;
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
    mean,
  };
}

/** `12.3` style milliseconds, or `-` for no value. */
export function ms(value: number, digits = 0): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '-';
}

/** `median / p95 / max` in whole milliseconds. */
export function triple(s: Summary): string {
  return `${ms(s.median)} / ${ms(s.p95)} / ${ms(s.max)}`;
}
