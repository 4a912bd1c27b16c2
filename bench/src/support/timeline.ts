import { quantile } from './stats.js';

/** One glass-to-glass reading: when it was taken (epoch ms) and the latency it showed (ms). */
export interface LatencyPoint {
  at: number;
  ms: number;
}

/** Glass-to-glass over one minute of a run (minute 1 = the first 60 s after `startAt`). */
export interface MinuteStat {
  minute: number;
  n: number;
  median: number;
  p90: number;
}

/**
 * Glass-to-glass per minute since `startAt`, so drift is visible: one entry for each minute up to the
 * last reading, with NaN figures (n 0) for a minute without a readable frame (a stall, a restart).
 */
export function perMinute(points: readonly LatencyPoint[], startAt: number, minuteMs = 60_000): MinuteStat[] {
  const buckets: number[][] = [];
  for (const p of points) {
    const i = Math.floor((p.at - startAt) / minuteMs);
    if (i < 0) continue;
    while (buckets.length <= i) buckets.push([]);
    buckets[i]!.push(p.ms);
  }
  return buckets.map((ms, i) => ({ minute: i + 1, n: ms.length, median: quantile(ms, 0.5), p90: quantile(ms, 0.9) }));
}

/**
 * Least-squares slope of latency against time, in ms of latency gained per minute watched (0: flat; a
 * viewer drifting behind shows a steady positive slope). NaN with fewer than two distinct times.
 */
export function slopeMsPerMinute(points: readonly LatencyPoint[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const xs = points.map((p) => p.at / 60_000);
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = points.reduce((a, p) => a + p.ms, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (points[i]!.ms - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  return sxx === 0 ? Number.NaN : sxy / sxx;
}

/**
 * The largest amount by which a minute's median exceeds `reference` (ms; <= 0 when every minute is at or
 * below it). Minutes with fewer than `minSamples` readings are left out (a minute cut short at the end).
 */
export function worstMinuteAbove(minutes: readonly MinuteStat[], reference: number, minSamples = 10): number {
  const medians = minutes.filter((m) => m.n >= minSamples).map((m) => m.median - reference);
  return medians.length ? Math.max(...medians) : Number.NaN;
}
