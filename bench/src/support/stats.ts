/** Summary statistics of a sample; percentiles interpolate linearly between ranks. */
export interface Summary {
  n: number;
  min: number;
  median: number;
  p90: number;
  max: number;
}

/** The value at quantile q (0..1) of `values`, linear between neighbouring ranks. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * q;
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export function summarize(values: readonly number[]): Summary {
  return {
    n: values.length,
    min: values.length ? Math.min(...values) : Number.NaN,
    median: quantile(values, 0.5),
    p90: quantile(values, 0.9),
    max: values.length ? Math.max(...values) : Number.NaN,
  };
}

/** Seconds with two decimals, from milliseconds. */
export const secs = (ms: number): string => (ms / 1000).toFixed(2);
